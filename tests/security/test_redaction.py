"""Redaction by kind: generated secrets in real-world shapes are found, look-alikes are left alone."""

from __future__ import annotations

import base64
import random
import re
import string

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from a3s_code.security.patterns import luhn_ok
from a3s_code.security.redact import FILE_SUFFIXES, find_secrets, redact

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ALNUM = string.ascii_letters + string.digits


aws_ids = st.text(string.ascii_uppercase + string.digits, min_size=16, max_size=16).map(lambda s: "AKIA" + s)


def random_token(alphabet: str, size: int) -> st.SearchStrategy[str]:
    """Tokens as key generators make them: drawn from a seeded RNG, so shrinking never makes them regular."""

    def make(seed: int) -> str:
        rng = random.Random(seed)
        return "".join(rng.choice(alphabet) for _ in range(size))

    return (
        st.integers(0, 2**32)
        .map(make)
        .filter(
            lambda s: (
                any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)
            )
        )
    )


aws_secrets = random_token(string.ascii_letters + string.digits + "/+", 40)
passwords = st.text(ALNUM + "!#%^*_-", min_size=8, max_size=24).filter(
    lambda s: (
        any(c.isalpha() for c in s)
        and any(c.isdigit() for c in s)
        and len(set(s)) > 2
        and not re.fullmatch(r"%[A-Za-z_]\w*%", s)
    )  # %NAME% is a Windows variable reference, not a value
)
tokens = random_token(ALNUM + "_-", 32)

AWS_SHAPES = [
    "aws {id} secret {secret}",  # the report
    "aws {id} {secret}",
    "AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={secret}\n",
    "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n",
    "Access key ID,Secret access key\n{id},{secret}\n",
    '{{"AccessKey": {{"AccessKeyId": "{id}", "Status": "Active", "SecretAccessKey": "{secret}"}}}}',
    "use the key {id} (secret: {secret}) for the upload",
    "export AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY='{secret}'",
]


@FAST
@given(key_id=aws_ids, secret=aws_secrets, shape=st.sampled_from(AWS_SHAPES))
def test_an_aws_secret_key_is_found_by_its_key_id_or_name(key_id: str, secret: str, shape: str) -> None:
    text = shape.format(id=key_id, secret=secret)
    out, counts = redact(text)
    assert key_id not in out and secret not in out, out
    assert counts.get("aws_access_key") == 1


NAMED_SHAPES = [
    ("password={v}", "password"),
    ('DB_PASSWORD: "{v}"', "password"),
    ('{{"password": "{v}", "user": "admin"}}', "password"),
    ("export API_TOKEN='{v}'", "token"),
    ("client_secret = {v}\nclient_id = web", "secret"),
    ("mysqldump --password {v} --user root app", "password"),
    ("apiKey: {v}", "api_key"),
    ("<password>{v}</password>", "password"),
    ("env:\n  - name: STRIPE_SECRET\n    value: {v}\n", "secret"),
    ("Server=db;Database=app;User Id=sa;Password={v};", "password"),
    ("postgres://app:{v}@db.internal:5432/app", "url_password"),
    ("redis://:{v}@cache:6379/0", "url_password"),
    ("machine api.example.com\n  login bot\n  password {v}\n", "password"),
    ("curl -u admin:{v} https://ci.example.com/api", "password"),
    ("curl -H 'Authorization: Bearer {v}' https://api.example.com", "authorization"),
    ("Authorization: token {v}", "authorization"),
    ("Cookie: sessionid={v}; theme=dark", "cookie"),
    ("the wifi password is {v} for guests", "password"),
    ("mysql -h db -u root -p{v} app < dump.sql", "password"),
    ("PGPASSWORD={v} psql -h db", "password"),
    ("sshpass -p '{v}' ssh deploy@host", "password"),
    ("//registry.npmjs.org/:_authToken={v}", "token"),
    ("jdbc:mysql://db:3306/app?user=root&password={v}&ssl=true", "password"),
]


@FAST
@given(value=passwords, shape=st.sampled_from(NAMED_SHAPES))
def test_a_value_is_found_by_the_name_or_place_it_stands_in(value: str, shape: tuple[str, str]) -> None:
    template, kind = shape
    text = template.format(v=value)
    out, counts = redact(text)
    assert value not in out, out
    assert kind in counts, (out, counts)


@FAST
@given(value=tokens)
def test_a_random_value_right_after_a_secret_word_is_found(value: str) -> None:
    for text in (f"my token {value} expires tomorrow", f"secret -> {value}", f"the api key is {value}."):
        assert value not in redact(text)[0]


@FAST
@given(
    value=st.one_of(
        st.uuids().map(str),
        st.binary(min_size=20, max_size=20).map(bytes.hex),
        st.binary(min_size=32, max_size=32).map(bytes.hex),
        st.binary(min_size=64, max_size=64).map(lambda b: "sha512-" + base64.b64encode(b).decode()),
        st.integers(0, 10**15).map(str),
    ),
    shape=st.sampled_from(
        [
            "request id {v}",
            "commit {v} fixes the token refresh",
            '"integrity": "{v}"',
            "checksum = {v}",
            "the secret rotation job {v} finished",
            "Bearer tokens are described in RFC 6750; trace {v}",
            '"max_tokens": 4096, "id": "{v}"',
            "password_hash_id: {v}",
        ]
    ),
)
# a UUID whose digits across two dashes ("47-3759-87441543028") pass the Luhn check: found by this test
@example(value="deba77a1-37e5-3d47-3759-87441543028b", shape="request id {v}")
def test_ids_hashes_and_digests_survive_next_to_secret_words(value: str, shape: str) -> None:
    text = shape.format(v=value)
    assert redact(text)[0] == text


@FAST
@given(st.binary(min_size=40, max_size=400))
def test_base64_images_survive(data: bytes) -> None:
    text = f"![chart](data:image/png;base64,{base64.b64encode(data).decode()}) and the token docs"
    assert redact(text)[0] == text


HARMLESS_CODE = [
    "max_tokens = 4096",
    "token = request.headers.get('X-Token')",
    "password = get_password()",
    "login(user, password=pw)",
    "self.password = password",
    "password: str",
    "token: Optional[str] = None",
    'password = ""',
    "password: ${DB_PASSWORD}",
    "api_key=os.environ['OPENAI_API_KEY']",
    'secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>',
    "export GITHUB_TOKEN=$(gh auth token)",
    'token: "{{ secrets.NPM_TOKEN }}"',
    '<input type="password" name="password">',
    'Password: "********"',
    "password_min_length = 12",
    "token_url = https://oauth2.googleapis.com/token",
    "ssh_key_path: ~/.ssh/id_ed25519",
    "api_key: your-api-key-here",
    "password: changeme",
    "the password is incorrect",
    "{ token: token, user }",
    "const auth = { apiKey: userApiKey };",
    "password = pw;",
    "git@github.com:owner/repo.git",
    "logo@2x.png lodash@4.17.21",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl my public key",
    "postgres://user:password@localhost/dev",
    "https://user@bitbucket.org/team/repo.git",
    "See https://docs.example.com/auth#bearer-token for the token format.",
    "pk_live_51H8a0nXb2mC3dE4fG5hI6jK7",
    "scikit-learn sk-learn-compatible-estimators",
]


@pytest.mark.parametrize("text", HARMLESS_CODE)
def test_code_and_docs_that_only_mention_secrets_are_left_alone(text: str) -> None:
    assert redact(text)[0] == text


PERSONAL = [
    ("mail alice.smith+news@example.co.uk today", "email"),
    ("SSN 078-05-1120.", "ssn"),
    ("amex 3782 822463 10005", "card_number"),
    ("visa 4111-1111-1111-1111", "card_number"),
    ("call +44 20 7946 0958", "phone"),
    ("call (415) 555-0132", "phone"),
]


@pytest.mark.parametrize(("text", "kind"), PERSONAL)
def test_personal_data_is_redacted(text: str, kind: str) -> None:
    findings = find_secrets(text)
    assert [f.kind for f in findings] == [kind] and findings[0].personal


@FAST
@given(st.text(string.digits, min_size=15, max_size=15))
def test_card_numbers_need_a_valid_checksum(body: str) -> None:
    number = "4" + body
    text = f"card {number[:4]} {number[4:8]} {number[8:12]} {number[12:]}"
    assert (redact(text)[0] != text) == luhn_ok(number)


@FAST
@given(st.emails())
def test_email_addresses_are_redacted(address: str) -> None:
    tld = address.rsplit(".", 1)[-1]
    local = address.rsplit("@", 1)[0]
    assume(tld.isalpha() and tld.lower() not in FILE_SUFFIXES and local != "git")
    assume(not set(local) & set("'`{|}/\""))  # quoted, braced and slashed local parts are out of scope
    assert address not in redact(f"write to {address} please")[0]


@FAST
@given(st.text(min_size=0, max_size=300))
def test_redaction_is_idempotent_and_findings_are_ordered(text: str) -> None:
    once, _ = redact(text)
    assert redact(once)[0] == once
    findings = find_secrets(text)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_a_finding_holds_no_value() -> None:
    secret = "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    (finding,) = find_secrets(f"token {secret}")
    assert secret not in repr(finding) and finding.kind == "github_token"
    assert f"token {secret}"[finding.start : finding.end] == secret


def test_a_private_key_is_redacted_whole() -> None:
    text = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJD\n-----END OPENSSH PRIVATE KEY-----\nok"
    assert redact(text)[0] == "key:\n[REDACTED:private_key]\nok"
    cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----"
    assert redact(cert)[0] == cert


@FAST
@given(body=st.text("0123456789", min_size=12, max_size=15))
def test_an_ungrouped_card_number_is_found_after_a_card_word_and_not_as_a_bare_id(body: str) -> None:
    number = next(n for n in (f"4{body}{d}" for d in "0123456789") if luhn_ok(n))
    assume(len(set(number)) > 1)
    assert "card_number" in redact(f'"card_number": "{number}"')[1]
    assert "card_number" in redact(f"paid with visa {number} yesterday")[1]
    assert redact(f"order id {number} shipped")[0] == f"order id {number} shipped"
