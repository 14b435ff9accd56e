// Shared by the modules: API calls, <template>s, the live region, dates.

const urls = document.body.dataset;
let token = document.querySelector('meta[name="csrf-token"]')?.content;

// The API's links are on SITE_URL, which may name this site differently.
export const local = (url) => {
  const { pathname, search } = new URL(url, location.href);
  return pathname + search;
};

// Anonymous pages carry no token: the API gives one (and sets the cookie).
export async function csrfToken(fresh) {
  if (fresh || !token) {
    const response = await fetch(urls.apiCsrf, { cache: "no-store" });
    token = (await response.json()).csrf_token;
    for (const input of document.querySelectorAll("[name=csrfmiddlewaretoken]")) input.value = token;
  }
  return token;
}

// Resolves to {status, ok, data, etag}; rejects when the network fails. A token made
// stale by signing in or out in another tab is renewed once.
export async function api(url, { method = "GET", data, headers, ...init } = {}, renew = false) {
  const options = { method, ...init, headers: { Accept: "application/json", ...headers } };
  if (method !== "GET") {
    options.headers["X-CSRFToken"] = await csrfToken(renew);
    if (data) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(data);
    }
  }
  const response = await fetch(url, options);
  const json = response.headers.get("Content-Type")?.includes("json");
  const result = {
    status: response.status,
    ok: response.ok,
    etag: response.headers.get("ETag"),
    data: json ? await response.json() : null,
  };
  if (result.status === 403 && /CSRF/.test(result.data?.message) && !renew) {
    return api(url, { method, data, headers, ...init }, true);
  }
  return result;
}

export function messages(data) {
  const lines = Object.values(data?.errors || {}).flat();
  return (lines.length ? lines : [data?.message || "Something went wrong."]).join("\n");
}

export const clone = (name) =>
  document.querySelector(`template[data-template="${name}"]`).content.firstElementChild.cloneNode(true);

// Fills [data-field] hooks: a string or number is the text, {text, ...attributes} sets
// both, true keeps the hook as it is, null removes it.
export function fill(element, fields) {
  for (const hook of element.querySelectorAll("[data-field]")) {
    const value = fields[hook.dataset.field];
    if (value === null) hook.remove();
    else if (typeof value === "object") {
      const { text, ...attributes } = value;
      if (text !== undefined) hook.textContent = text;
      for (const name in attributes) hook.setAttribute(name, attributes[name]);
    } else if (value !== undefined && value !== true) hook.textContent = value;
  }
  return element;
}

const announcer = document.querySelector("[data-announcer]");

export function announce(text) {
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = text), 100);
}

export function showError(form, text, retry) {
  const box = form.querySelector('[data-field="errors"]');
  const field = form.querySelector("textarea");
  box.textContent = text;
  if (retry) {
    box.append(" ", clone("retry"));
    box.lastChild.onclick = retry;
  }
  field?.setAttribute("aria-invalid", Boolean(text));
  if (box.id) field?.setAttribute("aria-describedby", box.id);
}

export const count = (number, noun) => `${number} ${noun}${number === 1 ? "" : "s"}`;

export const plainClick = (event) =>
  !(event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);

export const onAuthChange = (listener) =>
  document.addEventListener("gazette:auth", (event) => listener(event.detail));

// As the server's `date` filter writes them ("j F Y", "j M Y, H:i"), in UTC.
const format = (options) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", ...options });
const day = format({ day: "numeric", month: "long", year: "numeric" });
const moment = format({ dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });

export const machineTime = (iso) => iso.replace(/\.\d+/, "");

export const longDate = (iso) => day.format(new Date(iso));

export function shortMoment(iso) {
  const part = {};
  for (const { type, value } of moment.formatToParts(new Date(iso))) part[type] = value;
  return `${part.day} ${part.month.slice(0, 3)} ${part.year}, ${part.hour}:${part.minute}`;
}
