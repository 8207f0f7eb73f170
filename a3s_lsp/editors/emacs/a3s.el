;;; a3s.el --- Ask the A3S Code agent from Emacs, through eglot  -*- lexical-binding: t; -*-

;; Works with eglot 1.9 (Emacs 28, elpa-eglot) and later.  Ships inside the a3s-lsp package
;; (a3s_lsp/editors/emacs).

;;; Commentary:

;; `eglot-execute-command' waits for the answer with `jsonrpc-request', which gives up after
;; `jsonrpc-default-request-timeout' (10 s): an agent turn is often longer, and the answer is lost.
;; `a3s-prompt' sends the same `a3s.prompt' command without blocking and without a timeout, streams
;; the turn's text into the *a3s* buffer (`a3s/event' notifications) and shows the answer when the
;; turn ends.  Emacs stays usable meanwhile, so eglot also gets to send its didChange for the
;; agent's edits.
;;
;;   (add-to-list 'load-path "/path/to/a3s_lsp/editors/emacs")
;;   (require 'a3s)
;;   M-x eglot, then M-x a3s-prompt RET Explain this file RET

;;; Code:

(require 'eglot)
(require 'jsonrpc)

(defgroup a3s nil "The A3S Code agent through eglot." :group 'tools)

(defcustom a3s-buffer-name "*a3s*" "Where turns are shown." :type 'string)

(defvar a3s-after-turn-functions nil
  "Called with the turn's result (a plist: :text :stopReason :usage ...) when a turn ends.")

(defvar a3s--running nil "The server of the turn in progress, or nil.")

(defun a3s--buffer ()
  (let ((buffer (get-buffer-create a3s-buffer-name)))
    (with-current-buffer buffer
      (unless (derived-mode-p 'special-mode) (special-mode)))
    buffer))

(defun a3s--append (text)
  (with-current-buffer (a3s--buffer)
    (let ((inhibit-read-only t))
      (goto-char (point-max))
      (insert text))))

(defun a3s--server ()
  (or (eglot-current-server) (user-error "No eglot server for this buffer: M-x eglot first")))

;;;###autoload
(defun a3s-prompt (prompt)
  "Run PROMPT as an agent turn in the A3S daemon; the answer goes to `a3s-buffer-name'."
  (interactive "sA3S: ")
  (let ((server (a3s--server))
        (argument (list :prompt prompt)))
    (when buffer-file-name  ; run in the session of the workspace folder holding this file
      (setq argument (append argument (list :uri (eglot--path-to-uri buffer-file-name)))))
    (a3s--append (format "\n## %s\n" prompt))
    (display-buffer (a3s--buffer))
    (setq a3s--running server)
    (jsonrpc-async-request
     server :workspace/executeCommand
     (list :command "a3s.prompt" :arguments (vector argument))
     :timeout nil  ; a turn takes as long as it takes; a3s-cancel stops it
     :success-fn (lambda (result)
                   (setq a3s--running nil)
                   (a3s--append (format "\n[%s]\n" (plist-get result :stopReason)))
                   (run-hook-with-args 'a3s-after-turn-functions result))
     :error-fn (lambda (error)
                 (setq a3s--running nil)
                 (a3s--append (format "\nerror: %s\n" (plist-get error :message)))
                 (run-hook-with-args 'a3s-after-turn-functions (list :error error))))))

;;;###autoload
(defun a3s-cancel ()
  "Stop the running turn."
  (interactive)
  (jsonrpc-async-request (or a3s--running (a3s--server)) :workspace/executeCommand
                         (list :command "a3s.session.cancel" :arguments (vector (make-hash-table)))
                         :success-fn #'ignore :timeout nil))

(cl-defmethod eglot-handle-notification
  (_server (_method (eql a3s/event)) &key event &allow-other-keys)
  "Stream the agent's text and tool lines into the *a3s* buffer."
  (let ((type (plist-get event :type)))
    (cond ((equal type "text_delta") (a3s--append (plist-get event :text)))
          ((equal type "tool_start") (a3s--append (format "\n⚙ %s\n" (plist-get event :tool_name))))
          ((equal type "tool_end")
           (a3s--append (format "%s %s\n" (if (eql (plist-get event :exit_code) 0) "✓" "✗")
                                (plist-get event :tool_name)))))))

(cl-defmethod eglot-handle-notification (_server (_method (eql $/progress)) &rest _)
  "eglot 1.9 does not handle work-done progress; the *a3s* buffer shows the turn instead."
  nil)

(provide 'a3s)
;;; a3s.el ends here
