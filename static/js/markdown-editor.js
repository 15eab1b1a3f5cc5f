/*
 * The Markdown editor (community.forms.MarkdownEditor) around each
 * `[data-md-editor]`: the text area stays a text area; this script adds
 *
 * - the toolbar (@github/markdown-toolbar-element, loaded as a module; shown
 *   only once it is defined) with a preview from the server's renderer and a
 *   picture button;
 * - pictures pasted, dropped or chosen, sent to the Markdown image upload
 *   address; its refusals are shown under the field;
 * - suggestions of colleagues after "@" (where `data-mention-url` is set): a
 *   list box driven from the text area (arrows, Enter, Escape) that inserts
 *   the username the forums' mention parser resolves;
 * - a draft in localStorage, keyed by the form's address and the field's
 *   name, until the form is sent.
 *
 * Every text it shows comes from the template's data-text-* attributes
 * (translated there). Without JavaScript the form is a plain text area.
 */
(function () {
  "use strict";

  var DRAFT_PREFIX = "kollegi-draft:";
  var SAVE_DELAY = 400;
  var SUGGEST_DELAY = 200;
  // "@" at the start or after a non-word character, then two letters or more.
  var MENTION_BEFORE_CARET = /(?:^|[^\p{L}\p{N}_@])@([\p{L}\p{N}_.+-]{2,40})$/u;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // Storage switched off: no drafts, the rest works.
    }
  }

  function draftRead(key) {
    var store = storage();
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function draftWrite(key, draft) {
    var store = storage();
    if (!store) return;
    try {
      if (draft === null) {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify(draft));
      }
    } catch (error) {
      // Full storage: the draft is not kept, the text stays in the field.
    }
  }

  // Drafts of forms that were sent are gone on the next page with an editor:
  // a form sent with mistakes comes back with its text from the server.
  function draftsPurgeSent() {
    var store = storage();
    if (!store) return;
    var keys = [];
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(DRAFT_PREFIX) === 0) keys.push(key);
    }
    keys.forEach(function (key) {
      var draft = draftRead(key);
      if (!draft || draft.sent) draftWrite(key, null);
    });
  }

  function csrfToken(form) {
    var input = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function post(url, form, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (name) {
      body.append(name, data[name]);
    });
    body.append("csrfmiddlewaretoken", csrfToken(form));
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    });
  }

  // Typing through the browser keeps undo working and tells every listener
  // (markdownx's preview, the draft) that the text changed.
  function insertText(textarea, start, end, text) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function Editor(root) {
    this.root = root;
    this.textarea = root.querySelector("textarea");
    this.form = this.textarea.form;
    this.status = root.querySelector("[data-md-status]");
    this.toolbar = root.querySelector("markdown-toolbar");
    this.preview = root.querySelector("[data-md-preview-panel]");
    this.previewButton = root.querySelector("[data-md-preview]");
    this.fileInput = root.querySelector("[data-md-file]");
    this.list = root.querySelector("[data-md-suggestions]");
    this.text = root.dataset;
    this.suggestions = [];
    this.active = -1;
    this.mention = null;
    this.cache = new Map();
    root.mdEditor = this;
    this.setUpToolbar();
    this.setUpDraft();
    if (this.text.mentionUrl) this.setUpMentions();
  }

  Editor.prototype.say = function (message, isError) {
    this.status.textContent = message || "";
    this.status.classList.toggle("is-error", Boolean(isError));
  };

  // --- Toolbar, preview, pictures --------------------------------------------

  Editor.prototype.setUpToolbar = function () {
    var editor = this;
    if (window.customElements) {
      window.customElements.whenDefined("markdown-toolbar").then(function () {
        editor.toolbar.hidden = false;
      });
    }
    this.previewButton.addEventListener("click", function () {
      editor.previewToggle();
    });
    this.root.querySelector("[data-md-upload]").addEventListener("click", function () {
      editor.fileInput.click();
    });
    this.fileInput.addEventListener("change", function () {
      editor.upload(Array.prototype.slice.call(editor.fileInput.files));
      editor.fileInput.value = "";
    });
  };

  Editor.prototype.previewToggle = function () {
    var open = this.preview.hidden;
    this.preview.hidden = !open;
    this.previewButton.setAttribute("aria-pressed", open ? "true" : "false");
    if (open) this.previewRefresh();
  };

  // The preview is the server's rendering (the one sanitising renderer),
  // never Markdown turned into HTML here.
  Editor.prototype.previewRefresh = function () {
    var editor = this;
    post(this.text.previewUrl, this.form, { content: this.textarea.value })
      .then(function (response) {
        return response.text().then(function (html) {
          if (response.ok) editor.preview.innerHTML = html;
          else editor.say(html, true);
        });
      })
      .catch(function () {
        editor.say(editor.text.textUploadFailed, true);
      });
  };

  Editor.prototype.upload = function (files) {
    var editor = this;
    files.forEach(function (file) {
      editor.say(editor.text.textUploading, false);
      post(editor.text.uploadUrl, editor.form, { image: file })
        .then(function (response) {
          return response.json().then(
            function (data) {
              return { ok: response.ok, data: data };
            },
            function () {
              return { ok: false, data: {} };
            }
          );
        })
        .then(function (answer) {
          if (answer.ok && answer.data.image_code) {
            var start = editor.textarea.selectionStart;
            var end = editor.textarea.selectionEnd;
            var before = editor.textarea.value.slice(0, start);
            var gap = before && !/\n$/.test(before) ? "\n" : "";
            insertText(editor.textarea, start, end, gap + answer.data.image_code + "\n");
            editor.say("", false);
          } else {
            var errors = answer.data.image || [editor.text.textUploadFailed];
            editor.say(errors.join(" "), true);
          }
        })
        .catch(function () {
          editor.say(editor.text.textUploadFailed, true);
        });
    });
  };

  // --- Draft ----------------------------------------------------------------

  Editor.prototype.setUpDraft = function () {
    var editor = this;
    var textarea = this.textarea;
    var address = new URL(this.form ? this.form.action : location.href, location.href);
    this.draftKey = DRAFT_PREFIX + address.pathname + address.search + "|" + textarea.name;
    this.original = textarea.value;
    var notice = this.root.querySelector("[data-md-draft]");
    var draft = draftRead(this.draftKey);
    if (draft && draft.text && draft.text !== textarea.value) {
      textarea.value = draft.text;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      notice.hidden = false;
    }
    notice.querySelector("[data-md-draft-discard]").addEventListener("click", function () {
      draftWrite(editor.draftKey, null);
      textarea.value = editor.original;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      notice.hidden = true;
      textarea.focus();
    });
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        timer = null;
        editor.draftSave(false);
      }, SAVE_DELAY);
    });
    // Leaving the page before the pause: the last letters are kept too.
    window.addEventListener("pagehide", function () {
      if (timer !== null) editor.draftSave(false);
    });
    if (this.form) {
      this.form.addEventListener("submit", function () {
        clearTimeout(timer);
        timer = null;
        editor.draftSave(true);
      });
    }
  };

  Editor.prototype.draftSave = function (sent) {
    var text = this.textarea.value;
    if (!text || (text === this.original && !sent)) {
      draftWrite(this.draftKey, null);
    } else {
      draftWrite(this.draftKey, { text: text, sent: sent, saved: Date.now() });
    }
  };

  // --- Mentions -------------------------------------------------------------

  Editor.prototype.setUpMentions = function () {
    var editor = this;
    var textarea = this.textarea;
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", this.list.id);
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        editor.mentionLookUp();
      }, SUGGEST_DELAY);
    });
    textarea.addEventListener("blur", function () {
      // A click on a suggestion lands before the list closes.
      setTimeout(function () {
        editor.suggestClose();
      }, 150);
    });
    this.list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // The text area keeps the focus.
    });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role='option']");
      if (option) editor.suggestChoose(Number(option.dataset.index));
    });
  };

  Editor.prototype.mentionLookUp = function () {
    var textarea = this.textarea;
    var caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return this.suggestClose();
    var match = MENTION_BEFORE_CARET.exec(textarea.value.slice(0, caret));
    if (!match) return this.suggestClose();
    var query = match[1];
    this.mention = { start: caret - query.length - 1, end: caret };
    var editor = this;
    var known = this.cache.get(query);
    if (known) return this.suggestShow(known);
    var url = new URL(this.text.mentionUrl, location.href);
    url.searchParams.set("q", query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { members: [] };
      })
      .then(function (data) {
        editor.cache.set(query, data.members || []);
        // Only if the letters before the caret are still the same.
        if (editor.mention && textarea.value.slice(editor.mention.start + 1, textarea.selectionStart) === query) {
          editor.suggestShow(data.members || []);
        }
      })
      .catch(function () {
        editor.suggestClose();
      });
  };

  Editor.prototype.suggestShow = function (members) {
    var editor = this;
    this.suggestions = members;
    this.list.textContent = "";
    if (!members.length) {
      this.suggestClose();
      this.say(this.text.textNoSuggestions, false);
      return;
    }
    members.forEach(function (member, index) {
      var option = document.createElement("li");
      option.id = editor.list.id + "-" + index;
      option.setAttribute("role", "option");
      option.dataset.index = String(index);
      option.className = "md-suggestion";
      var name = document.createElement("span");
      name.textContent = member.name;
      var username = document.createElement("span");
      username.className = "md-suggestion-username";
      username.textContent = "@" + member.username;
      option.append(name, " ", username);
      editor.list.appendChild(option);
    });
    this.list.hidden = false;
    this.suggestActivate(0);
    this.say(this.text.textSuggestions.replace("%(count)s", String(members.length)), false);
  };

  Editor.prototype.suggestActivate = function (index) {
    var options = this.list.querySelectorAll("[role='option']");
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === this.active ? "true" : "false");
    }, this);
    var current = options[this.active];
    this.textarea.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Editor.prototype.suggestChoose = function (index) {
    var member = this.suggestions[index];
    if (!member || !this.mention) return;
    var mention = this.mention;
    this.suggestClose();
    insertText(this.textarea, mention.start, mention.end, "@" + member.username + " ");
  };

  Editor.prototype.suggestClose = function () {
    if (this.list.hidden && this.active === -1) return;
    this.list.hidden = true;
    this.list.textContent = "";
    this.suggestions = [];
    this.active = -1;
    this.textarea.removeAttribute("aria-activedescendant");
    if (!this.status.classList.contains("is-error")) this.say("", false);
  };

  Editor.prototype.suggestKeydown = function (event) {
    if (this.list.hidden || !this.suggestions.length) return false;
    switch (event.key) {
      case "ArrowDown":
        this.suggestActivate(this.active + 1);
        return true;
      case "ArrowUp":
        this.suggestActivate(this.active - 1);
        return true;
      case "Enter":
        this.suggestChoose(this.active);
        return true;
      case "Escape":
        this.mention = null;
        this.suggestClose();
        return true;
      case "Tab":
        this.suggestClose(); // Tab still leaves the field.
        return false;
      default:
        return false;
    }
  };

  // --- Wiring ---------------------------------------------------------------

  function editorOf(target) {
    if (!(target instanceof HTMLTextAreaElement)) return null;
    var root = target.closest("[data-md-editor]");
    return root && root.mdEditor && root.mdEditor.textarea === target ? root.mdEditor : null;
  }

  // Keys for the suggestions, pictures pasted or dropped: taken here, in the
  // capture phase on the window, before markdownx's own listeners on the
  // text area (it would upload too, and type its error into the text).
  window.addEventListener(
    "keydown",
    function (event) {
      var editor = editorOf(event.target);
      if (editor && editor.suggestKeydown(event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  function takeFiles(event, transfer) {
    var editor = editorOf(event.target);
    if (!editor || !transfer || !transfer.files || !transfer.files.length) return;
    event.preventDefault();
    event.stopPropagation();
    editor.upload(Array.prototype.slice.call(transfer.files));
  }

  window.addEventListener(
    "paste",
    function (event) {
      takeFiles(event, event.clipboardData);
    },
    true
  );
  window.addEventListener(
    "drop",
    function (event) {
      takeFiles(event, event.dataTransfer);
    },
    true
  );

  function start() {
    draftsPurgeSent();
    document.querySelectorAll("[data-md-editor]").forEach(function (root) {
      if (!root.mdEditor && root.querySelector("textarea")) new Editor(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
