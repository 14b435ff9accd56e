// The admin's article change form (templates/admin/content/article/change_form.html):
// the preview beside the body follows the typing, the unsaved text is autosaved for this
// person alone and offered back when the form opens again, and a notice names whoever
// else has the form open. Without it the form still works: the Preview button, the
// Restore link and the Discard button. Addresses come from the page's data- attributes.

const root = document.querySelector("[data-article-editing]");
const form = document.getElementById("article_form");
const token = form?.elements.csrfmiddlewaretoken.value;
const AUTOSAVED = ["title", "summary", "body"];
const PREVIEW_DELAY = 400; // ms after typing stops

// Resolves to the JSON answer (null for 204); rejects on a refusal or a network failure.
async function send(url, method, data, init = {}) {
  const response = await fetch(url, {
    method,
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": token },
    body: data === undefined ? undefined : JSON.stringify(data),
    ...init,
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

function livePreview() {
  const body = form.elements.body;
  const preview = document.querySelector("[data-body-preview]");
  if (!body || !preview) return;
  let timer, request;
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      request?.abort(); // an older answer must not overwrite a newer one
      request = new AbortController();
      try {
        const { body_html } = await send(root.dataset.previewUrl, "POST", { body: body.value }, {
          signal: request.signal,
        });
        // body_html is the server's render_markdown output, sanitized as on save. A
        // document made by DOMParser runs nothing; its nodes are moved in as they are.
        const parsed = new DOMParser().parseFromString(body_html, "text/html");
        preview.replaceChildren(...parsed.body.childNodes);
        preview.removeAttribute("data-stale");
      } catch (error) {
        if (error.name !== "AbortError") preview.setAttribute("data-stale", "");
      }
    }, PREVIEW_DELAY);
  });
}

const typed = () =>
  JSON.stringify(Object.fromEntries(AUTOSAVED.map((name) => [name, form.elements[name]?.value ?? ""])));

function autosave() {
  const url = root.dataset.autosaveUrl;
  if (!url || !form.elements.body) return;
  let saved = typed(), timer, submitting = false;
  const save = (init) => {
    timer = undefined;
    const text = typed();
    if (text === saved || submitting) return;
    send(url, "PUT", JSON.parse(text), init).then(() => (saved = text), () => {});
  };
  form.addEventListener("input", (event) => {
    // At most one autosave every few seconds (the page says how many) while typing goes on.
    if (AUTOSAVED.includes(event.target.name)) timer ??= setTimeout(save, root.dataset.autosaveEvery * 1000);
  });
  // The form's save deletes the autosave; one sent after it would bring it back.
  form.addEventListener("submit", () => {
    submitting = true;
    clearTimeout(timer);
  });
  // A tab closed within the last few seconds keeps what was typed in them too.
  addEventListener("pagehide", () => save({ keepalive: true }));

  const notice = root.querySelector("[data-autosave-notice]");
  if (!notice) return;
  notice.querySelector("[data-autosave-restore]").addEventListener("click", (event) => {
    event.preventDefault();
    const fields = JSON.parse(document.getElementById("gazette-autosave").textContent);
    for (const name of AUTOSAVED) {
      const field = form.elements[name];
      if (!field) continue;
      field.value = fields[name];
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    notice.remove();
    form.elements.body?.focus();
  });
  notice.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await send(url, "DELETE");
      notice.remove();
    } catch {
      notice.submit(); // the plain form discards it
    }
  });
}

function presence() {
  const url = root.dataset.presenceUrl;
  const notice = root.querySelector("[data-presence]");
  if (!url) return;
  let timer;
  let leaving = false;
  const beat = async () => {
    if (leaving) return;
    let interval = 15;
    try {
      const answer = await send(url, "POST");
      const names = answer.others.map((other) => other.name);
      notice.textContent = `${names.join(", ")} ${names.length === 1 ? "has" : "have"} this article open too.`;
      notice.hidden = names.length === 0;
      interval = answer.interval;
    } catch {
      notice.hidden = true; // say nothing rather than something stale
    }
    if (!leaving) timer = setTimeout(beat, interval * 1000);
  };
  beat();
  // No beat while the form is sent: one arriving after the leave below would say
  // "still here" for a whole window.
  form.addEventListener("submit", () => {
    leaving = true;
    clearTimeout(timer);
  });
  // Leave at once rather than when the entry expires; back from the cache, come again.
  addEventListener("pagehide", () => {
    clearTimeout(timer);
    send(url, "DELETE", undefined, { keepalive: true }).catch(() => {});
  });
  addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    leaving = false;
    beat();
  });
}

if (root && form) {
  livePreview();
  autosave();
  presence();
}
