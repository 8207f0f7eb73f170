"""How often encoding detection reads a legacy-encoded source file with the wrong characters.

Files are generated: code lines and comment lines, the comments holding words of one language, saved in
one of that language's legacy encodings. A guess is right when decoding with it gives back the text
the author wrote. Compared in the same run: ``a3s_code.textcodec.detect`` and charset-normalizer's
``from_bytes(...).best()`` (the detector it replaced), when installed (``pip install charset-normalizer``).

    .venv/bin/python -m tests.bench.bench_encodings [--files 300] [--min-words 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable

from a3s_code import textcodec

LANGUAGES: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "de": (
        ("cp1252", "iso8859_1"),
        ["Größe", "übergeben", "Schlüssel", "Änderung", "für", "Prüfung", "Straße", "Lösung", "Zähler"],
    ),
    "pt": (
        ("cp1252", "iso8859_1"),
        ["não", "função", "parâmetro", "configuração", "você", "índice", "está", "código", "mês", "após"],
    ),
    "sv": (
        ("cp1252", "iso8859_1"),
        ["värde", "nyckel", "användare", "ändra", "högst", "överst", "måste", "rättighet", "läsa"],
    ),
    "fr": (
        ("cp1252", "iso8859_1"),
        ["paramètre", "réussi", "créé", "supprimé", "fenêtre", "à", "côté", "être", "élément", "déjà"],
    ),
    "es": (
        ("cp1252", "iso8859_1"),
        ["configuración", "año", "número", "función", "contraseña", "también", "está", "página"],
    ),
    "it": (
        ("cp1252", "iso8859_1"),
        ["città", "perché", "più", "però", "già", "università", "così", "funzionalità"],
    ),
    "cs": (
        ("cp1250", "iso8859_2"),
        ["příliš", "žluťoučký", "kůň", "ďábelské", "ódy", "soubor", "uživatel", "nastavení"],
    ),
    "el": (
        ("cp1253", "iso8859_7"),
        ["αρχείο", "τιμή", "σφάλμα", "συνάρτηση", "κλειδί", "χρήστης", "μήνυμα", "όριο"],
    ),
    "ko": (("euc_kr", "cp949"), ["파일", "값", "오류", "함수", "사용자", "설정", "메시지", "확인"]),
    "ru": (
        ("cp1251", "koi8_r"),
        ["файл", "значение", "ошибка", "функция", "пользователь", "настройка", "сообщение"],
    ),
    "ja": (
        ("cp932", "shift_jis", "euc_jp"),
        ["ファイル", "値", "エラー", "関数", "ユーザー", "設定", "メッセージ", "確認", "です"],
    ),
    "zh": (("gb18030",), ["文件", "值", "错误", "函数", "用户", "设置", "消息", "确认"]),
    "pl": (
        ("cp1250", "iso8859_2"),
        ["wartość", "błąd", "użytkownik", "ustawienia", "wiadomość", "plik", "źródło"],
    ),
    "tr": (
        ("cp1254", "iso8859_9"),
        ["değer", "dosya", "hata", "işlev", "kullanıcı", "ayarlar", "ileti", "doğrula"],
    ),
}
CODE = ["x", "=", "1", "return", "value", "def", "foo():", "#", "limit", "if", "else", "None", "self"]


def source_file(rng: random.Random, words: list[str], min_words: int) -> str:
    """Up to 30 lines: code, comments mixing code words and ``words``; at least ``min_words`` of them."""
    lines = []
    for _ in range(rng.randint(0, 30)):
        if rng.random() < 0.5:
            lines.append(" ".join(rng.choice(CODE) for _ in range(rng.randint(0, 6))))
        else:
            picks = [
                rng.choice(words) if rng.random() < 0.5 else rng.choice(CODE)
                for _ in range(rng.randint(1, 6))
            ]
            lines.append("# " + " ".join(picks))
    lines.append("# " + " ".join(rng.choice(words) for _ in range(min_words)))
    rng.shuffle(lines)
    return "\n".join(lines) + "\n"


def ours(data: bytes) -> str | None:
    textcodec._CACHE.clear()  # judge every file afresh
    try:
        return textcodec.detect(data).codec
    except textcodec.NotTextError:
        return None


def charset_normalizer_best() -> Callable[[bytes], str | None] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None

    def best(data: bytes) -> str | None:
        match = from_bytes(data).best()
        return None if match is None else match.encoding

    return best


def right(data: bytes, text: str, codec: str | None) -> bool:
    if codec is None:
        return False
    try:
        return data.decode(codec) == text
    except (UnicodeDecodeError, LookupError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=300, help="files per language and encoding")
    parser.add_argument(
        "--min-words", type=int, default=3, help="words of the language in each file, at least"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    detectors: dict[str, Callable[[bytes], str | None]] = {"a3s": ours}
    peer = charset_normalizer_best()
    if peer is not None:
        detectors["charset-normalizer"] = peer
    print("| language | encoding | " + " | ".join(f"{name} wrong" for name in detectors) + " |")
    print("|---|---|" + "---:|" * len(detectors))
    totals = dict.fromkeys(detectors, 0)
    count = 0
    for language, (encodings, words) in LANGUAGES.items():
        for codec in encodings:
            rng = random.Random(f"{args.seed}-{language}-{codec}")
            files = [source_file(rng, words, args.min_words) for _ in range(args.files)]
            wrong = {}
            for name, detect in detectors.items():
                wrong[name] = sum(
                    not right(text.encode(codec), text, detect(text.encode(codec))) for text in files
                )
                totals[name] += wrong[name]
            count += len(files)
            print(
                f"| {language} | {codec} | "
                + " | ".join(f"{wrong[n]}/{len(files)}" for n in detectors)
                + " |"
            )
    print(
        "| all | | "
        + " | ".join(f"**{totals[n]}/{count}** ({totals[n] / count:.1%})" for n in detectors)
        + " |"
    )


if __name__ == "__main__":
    main()
