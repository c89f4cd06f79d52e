/* Borgerbot chat widget. Embed with one tag:
 *   <script src="https://<gateway>/widget.js" data-municipality="kalundborg" defer></script>
 * Plain JavaScript, no dependencies. Everything renders inside an open shadow root, and the only
 * global is window.Borgerbot with open() and close(). See widget/README.md. */
(() => {
  "use strict";
  if (window.Borgerbot) return;

  // Captured now: document.currentScript is only set while this file is being evaluated.
  const script = document.currentScript || document.querySelector("script[src*='widget.js'][data-municipality]");
  const municipality = ((script && script.dataset.municipality) || "").trim().toLowerCase();
  if (!script || !municipality) {
    console.error("Borgerbot: the script tag needs a data-municipality attribute, e.g. data-municipality=\"kalundborg\".");
    return;
  }
  const base = new URL(script.src, location.href).origin;
  const TIMEOUT_MS = 25000;
  // DDH's number comes from the gateway, which fills these in from kb/ddh.yml when it serves this file.
  const DDH_PHONE = "{{DDH_PHONE}}";
  const DDH = { title: "Ring til Den Digitale Hotline: " + DDH_PHONE, url: "{{DDH_PHONE_URI}}" };
  const HELP = "Prøv igen om lidt, eller ring til Den Digitale Hotline på " + DDH_PHONE + ", så hjælper en medarbejder dig.";
  const T = {
    launcher: "Chat med Borgerbot",
    open: "Åbn chat med Borgerbot",
    region: "Borgerbot",
    title: "Chat med Borgerbot",
    close: "Luk chatten",
    log: "Samtale med Borgerbot",
    label: "Skriv dit spørgsmål",
    send: "Send",
    typing: "Borgerbot skriver …",
    you: "Du skrev: ",
    bot: "Borgerbot skrev: ",
    choices: "Svarmuligheder",
    newWindow: " (åbner i et nyt vindue)",
    source: "Kilde: ",
    retry: "Prøv igen",
    welcome:
      "Hej! Jeg er Borgerbot, en robot. Spørg mig om pas, flytning, MitID og åbningstider. " +
      "Skriv ikke dit CPR-nummer eller andre personlige oplysninger.",
    offline: "Beklager, jeg kan ikke få forbindelse lige nu. " + HELP,
    slow: "Beklager, svaret tager for lang tid. " + HELP,
    failed: "Beklager, der skete en fejl. " + HELP,
    history: "Beklager, jeg kan ikke hente vores samtale lige nu. " + HELP,
  };
  const keys = { session: `borgerbot.session.${municipality}`, open: `borgerbot.open.${municipality}` };
  const store = {
    get: (key) => {
      try {
        return sessionStorage.getItem(key);
      } catch {
        return null; // storage blocked: the conversation then lasts as long as the page
      }
    },
    set: (key, value) => {
      try {
        if (value == null) sessionStorage.removeItem(key);
        else sessionStorage.setItem(key, value);
      } catch {
        /* storage blocked: nothing to keep */
      }
    },
  };

  const CSS = `
:host{all:initial}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.w{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1b1b1b}
button,input{font:inherit;margin:0}
button{cursor:pointer}
a{color:#0b4ea2;text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:.15em}
:focus-visible{outline:.1875rem solid #1b1b1b;outline-offset:.125rem;box-shadow:0 0 0 .125rem #fff}
.launcher,.panel{position:fixed;right:1rem;bottom:1rem;z-index:2147483000}
.launcher{min-height:3rem;padding:.625rem 1.25rem;border:.125rem solid #fff;border-radius:1.5rem;background:#1a4b8c;color:#fff;font-weight:600;box-shadow:0 .25rem 1rem rgba(0,0,0,.3)}
.launcher:hover{background:#123a6e}
.panel{display:flex;flex-direction:column;width:24rem;max-width:calc(100vw - 2rem);height:36rem;max-height:calc(100vh - 2rem);background:#fff;border:1px solid #6b7280;border-radius:.75rem;box-shadow:0 .5rem 2rem rgba(0,0,0,.3);overflow:hidden}
.anim{animation:bb-in .2s ease-out}
@keyframes bb-in{from{opacity:0;transform:translateY(1rem)}}
.head{display:flex;align-items:center;justify-content:space-between;gap:.5rem;padding:.375rem .375rem .375rem 1rem;background:#1a4b8c;color:#fff}
.head :focus-visible{outline-color:#fff;box-shadow:0 0 0 .125rem #1b1b1b}
h2{margin:0;font-size:1.125rem;line-height:1.3;font-weight:700}
.close{min-width:2.75rem;min-height:2.75rem;border:0;border-radius:.375rem;background:transparent;color:#fff;font-size:1.5rem;line-height:1}
.close:hover{background:#123a6e}
.log{position:relative;flex:1;display:flex;flex-direction:column;gap:.75rem;overflow-y:auto;overflow-x:hidden;padding:1rem;background:#f4f5f7}
.msg{max-width:88%;padding:.625rem .875rem;border-radius:.75rem;overflow-wrap:anywhere}
.bot{align-self:flex-start;background:#fff;border:1px solid #c4c9d1}
.citizen{align-self:flex-end;background:#1a4b8c;color:#fff}
.error{border-left:.3125rem solid #a4262c}
.text{margin:0;white-space:pre-line}
ul{margin:.5rem 0 0;padding:0;list-style:none}
li a{display:inline-block;min-height:1.5rem;padding:.125rem 0}
.source{margin:.5rem 0 0;font-size:.875rem;color:#4a4f57}
.qr{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.625rem}
.qr button{min-height:2.75rem;padding:.375rem 1rem;border:.125rem solid #1a4b8c;border-radius:1.375rem;background:#fff;color:#1a4b8c;font-weight:600}
.qr button:hover{background:#e6edf7}
.typing{padding:0 1rem;background:#f4f5f7}
.typing:not(:empty){padding:.25rem 1rem .5rem}
.dots span{display:inline-block;width:.5rem;height:.5rem;margin-right:.25rem;border-radius:50%;background:#4a4f57;animation:bb-dot 1.2s infinite ease-in-out}
.dots span:nth-child(2){animation-delay:.2s}
.dots span:nth-child(3){animation-delay:.4s}
@keyframes bb-dot{0%,80%,100%{opacity:.25}40%{opacity:1}}
form{padding:.625rem 1rem .5rem;border-top:1px solid #c4c9d1}
label{display:block;margin-bottom:.25rem;font-weight:600;font-size:.9375rem}
.row{display:flex;gap:.5rem}
input{flex:1;min-width:0;min-height:2.75rem;padding:.5rem .75rem;border:.125rem solid #5c6370;border-radius:.375rem;background:#fff;color:#1b1b1b}
.send{min-height:2.75rem;padding:.5rem 1rem;border:0;border-radius:.375rem;background:#1a4b8c;color:#fff;font-weight:600}
.send:hover{background:#123a6e}
.foot{margin:0;padding:0 1rem .625rem;font-size:.9375rem}
.foot a{display:inline-block;min-height:1.5rem;padding:.125rem 0;font-weight:600}
.nw{white-space:nowrap}
.vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:30rem),(max-height:30rem){.panel{inset:0;width:auto;max-width:none;height:auto;max-height:none;border:0;border-radius:0}}
@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important;scroll-behavior:auto!important}}
`;

  // Builds an element. Strings among the children become text nodes: nothing is ever parsed as HTML.
  const h = (tag, props = {}, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value);
    }
    el.append(...children.filter(Boolean));
    return el;
  };

  const host = h("div", { id: "borgerbot-root" });
  const root = host.attachShadow({ mode: "open" });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h("style", { text: CSS })); // browsers without constructable stylesheets
  }

  const launcher = h("button", {
    type: "button",
    class: "launcher",
    "aria-label": T.open,
    "aria-expanded": "false",
    "aria-controls": "bb-panel",
    text: T.launcher,
    onclick: () => open(),
  });
  const log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  const typing = h("div", { class: "typing", role: "status" });
  const input = h("input", { id: "bb-input", type: "text", autocomplete: "off", enterkeyhint: "send" });
  const form = h(
    "form",
    { onsubmit: (event) => (event.preventDefault(), submit()) },
    h("label", { for: "bb-input", text: T.label }),
    h("div", { class: "row" }, input, h("button", { type: "submit", class: "send", text: T.send })),
  );
  const panel = h(
    "div",
    { id: "bb-panel", class: "panel", role: "dialog", "aria-labelledby": "bb-title", hidden: "" },
    h(
      "div",
      { class: "head" },
      h("h2", { id: "bb-title", text: T.title }),
      h("button", { type: "button", class: "close", "aria-label": T.close, text: "×", onclick: () => close() }),
    ),
    log,
    typing,
    form,
    h("p", { class: "foot" }, link(DDH)),
  );
  root.append(h("aside", { class: "w", "aria-label": T.region }, launcher, panel));
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });

  let sessionId = store.get(keys.session);
  let busy = false;
  let failed = null; // the message whose sending failed, resent by "Prøv igen"

  function setSession(id) {
    sessionId = id;
    store.set(keys.session, id);
  }

  function setBusy(value) {
    busy = value;
    log.dataset.busy = String(value);
    typing.replaceChildren();
    if (value) {
      typing.append(
        h("span", { class: "dots", "aria-hidden": "true" }, h("span"), h("span"), h("span")),
        h("span", { class: "vh", text: T.typing }),
      );
    }
  }

  function link({ title, url }) {
    let parsed;
    try {
      parsed = new URL(url, base);
    } catch {
      return h("span", { text: title });
    }
    // A phone number at the end of a title never breaks across lines.
    const [, words, number] = /^(.*?)(\+?\d[\d ]{5,}\d)?$/.exec(title);
    const label = [words, number && h("span", { class: "nw", text: number })];
    if (parsed.protocol === "tel:") return h("a", { href: parsed.href }, ...label);
    if (!/^https?:$/.test(parsed.protocol)) return h("span", { text: title }); // never javascript: or data:
    return h(
      "a",
      { href: parsed.href, target: "_blank", rel: "noopener noreferrer" },
      ...label,
      h("span", { class: "vh", text: T.newWindow }),
    );
  }

  function bubble(role, message, extraClass = "") {
    const el = h(
      "div",
      { class: `msg ${role} ${extraClass}`.trim() },
      h("span", { class: "vh", text: role === "citizen" ? T.you : T.bot }),
      h("p", { class: "text", text: message.text || "" }),
    );
    // A reply in another language says so, for screen readers' voices and right-to-left scripts.
    if (/^[a-z]{2,3}$/.test(message.lang || "")) {
      const text = el.querySelector(".text");
      text.lang = message.lang;
      text.dir = "auto";
    }
    const links = message.links || [];
    if (links.length) el.append(h("ul", {}, ...links.map((item) => h("li", {}, link(item)))));
    if (message.source && message.source.title) el.append(h("p", { class: "source", text: T.source + message.source.title }));
    log.append(el);
    return el;
  }

  // Quick replies: a click sends the payload and shows the title as the citizen's message.
  function buttons(el, items, pick = (item) => send(item.payload, item.title)) {
    if (!items || !items.length) return;
    const group = h("div", { class: "qr", role: "group", "aria-label": T.choices });
    for (const item of items) {
      group.append(h("button", { type: "button", text: item.title, onclick: () => (input.focus(), pick(item)) }));
    }
    el.append(group);
  }

  // Scrolls so that the first new message starts in view (or to the end when everything fits).
  function reveal(first) {
    log.scrollTop = first ? first.offsetTop - 8 : log.scrollHeight;
  }

  function clearActions() {
    for (const el of log.querySelectorAll(".qr")) el.remove();
  }

  // A bot-side error with DDH's number; "Prøv igen" calls retry, which removes it.
  function showError(text, retry) {
    const el = bubble("bot", { text, links: [DDH] }, "error");
    if (retry) buttons(el, [{ title: T.retry }], () => (el.remove(), retry()));
    reveal(el);
  }

  async function call(path, init = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(base + path, {
        ...init,
        credentials: "omit",
        signal: controller.signal,
        headers: { Accept: "application/json", ...init.headers },
      });
      let body = null;
      try {
        body = await response.json();
      } catch {
        /* not JSON: the status decides */
      }
      return { status: response.status, body };
    } finally {
      clearTimeout(timer);
    }
  }

  const postChat = (message) =>
    call("/api/v1/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(sessionId ? { municipality, message, session_id: sessionId } : { municipality, message }),
    });

  function submit() {
    const text = input.value.trim();
    if (!text || busy) return;
    if (failed && failed.typed === text) return resend(); // the same text again: resend, no second bubble
    input.value = "";
    send(text, text, text);
  }

  function resend() {
    const { message, shown, typed } = failed;
    for (const el of log.querySelectorAll(".error")) el.remove();
    send(message, shown, typed, true);
  }

  // Sends a message. typed: the text the citizen wrote, put back in the input if sending fails.
  async function send(message, shown, typed = null, again = false) {
    if (busy) return;
    clearActions();
    failed = null;
    const mine = again ? null : bubble("citizen", { text: shown });
    if (mine) reveal(mine);
    setBusy(true);
    let result;
    try {
      result = await postChat(message);
      if ((result.status === 404 || result.status === 409) && sessionId) {
        setSession(null); // the conversation is gone (or belongs elsewhere): start a new one
        result = await postChat(message);
      }
    } catch (error) {
      result = { error };
    }
    setBusy(false);
    const { status, body, error } = result;
    const replies = body && Array.isArray(body.messages) ? body.messages : null;
    if (replies && body.session_id) setSession(body.session_id);
    if (status >= 200 && status < 300 && replies) {
      if (typed && input.value === typed) input.value = "";
      return showReplies(replies);
    }
    if (typed && !input.value) input.value = typed; // lose nothing the citizen wrote
    const detail = body && typeof body.detail === "string" ? body.detail : T.failed;
    if (error || status >= 500 || status === 429 || status < 400) {
      failed = { message, shown, typed };
      if (error) return showError(error.name === "AbortError" ? T.slow : T.offline, resend);
      if (!replies || !replies.length) return showError(detail, resend);
      // 503 carries a normal body (degraded): show what the gateway says, and offer to resend.
      buttons(showReplies(replies, "error"), [{ title: T.retry }], resend);
      return reveal();
    }
    // Any other 4xx: the message was not accepted. Its text stays in the input, to be changed.
    if (mine) mine.remove();
    showError(detail, null);
  }

  function showReplies(replies, extraClass) {
    let first = null;
    let el = null;
    for (const reply of replies) {
      el = bubble("bot", reply, extraClass);
      first = first || el;
      buttons(el, reply.buttons);
    }
    reveal(first);
    return el;
  }

  async function loadHistory() {
    if (!sessionId) return;
    setBusy(true);
    let result;
    try {
      const query = `?municipality=${encodeURIComponent(municipality)}`;
      result = await call(`/api/v1/chat/${encodeURIComponent(sessionId)}/history${query}`);
    } catch {
      setBusy(false);
      return showError(T.history, loadHistory);
    }
    setBusy(false);
    const messages = result.body && Array.isArray(result.body.messages) ? result.body.messages : null;
    if (result.status === 200 && messages) {
      const lastCitizen = messages.map((m) => m.role).lastIndexOf("citizen");
      messages.forEach((message, index) => {
        const el = bubble(message.role === "citizen" ? "citizen" : "bot", message);
        if (index > lastCitizen) buttons(el, message.buttons);
      });
      return reveal();
    }
    // Gone, or not this municipality's: start afresh, silently.
    if ([404, 409, 422].includes(result.status)) return setSession(null);
    const detail = result.body && typeof result.body.detail === "string" ? result.body.detail : T.history;
    showError(detail, result.status === 403 ? null : loadHistory);
  }

  function welcome() {
    if (!log.firstChild) bubble("bot", { text: T.welcome });
  }

  function open(focus = true) {
    panel.classList.toggle("anim", focus); // no entrance animation when restored after a reload
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    store.set(keys.open, "1");
    welcome();
    reveal();
    if (focus) input.focus();
  }

  function close() {
    const hadFocus = Boolean(root.activeElement);
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    store.set(keys.open, null);
    if (hadFocus) launcher.focus();
  }

  window.Borgerbot = Object.freeze({ open: () => open(), close: () => close() });

  function mount() {
    document.body.append(host);
    if (sessionId) {
      welcome();
      loadHistory();
    }
    if (store.get(keys.open) === "1") open(false); // restored after a reload: do not steal focus
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
