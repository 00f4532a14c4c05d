// rashomon web: the in-page source panel. Clicking a quote shows its source text with the quoted
// span highlighted, without leaving the story. Article text is untrusted: it only ever enters the
// page through textContent, never as HTML. Without this script every quote is a plain link to
// the source view, which highlights the same span on the server.
"use strict";

(function () {
  const panel = document.getElementById("source-panel");
  if (!panel) return;
  const title = panel.querySelector("#panel-title");
  const meta = panel.querySelector(".panel-meta");
  const body = panel.querySelector(".source-text");
  let opener = null;

  function close() {
    panel.hidden = true;
    if (opener) opener.focus();
  }

  function show(doc, start, end) {
    const text = doc.text || "";
    title.textContent = doc.title || doc.id;
    meta.textContent = [doc.outlet, doc.published, "characters " + start + "–" + end].filter(Boolean).join(" · ");
    body.replaceChildren();
    const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= text.length;
    if (!valid) {
      body.textContent = text;
    } else {
      const mark = document.createElement("mark");
      mark.id = "panel-hl";
      mark.className = "quote";
      mark.textContent = text.slice(start, end);
      body.append(document.createTextNode(text.slice(0, start)), mark, document.createTextNode(text.slice(end)));
    }
    panel.hidden = false;
    panel.focus();
    const hl = document.getElementById("panel-hl");
    if (hl) hl.scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.quote");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    opener = link;
    const start = parseInt(link.dataset.start, 10);
    const end = parseInt(link.dataset.end, 10);
    fetch("/api/documents/" + encodeURIComponent(link.dataset.doc), { headers: { accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (doc) { show(doc, start, end); })
      .catch(function () { window.location.href = link.href; });
  });

  panel.querySelector("button.close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) close();
  });
})();
