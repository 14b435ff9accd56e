// Like and bookmark in place: the button flips at once, then the API is told; if it
// refuses or cannot be reached, button and count return to what it last confirmed.

import { announce, api, count, onAuthChange } from "./lib.js";

const section = document.querySelector("[data-reactions]");
const FIELD = { like: "liked", bookmark: "bookmarked" };
const confirmed = new WeakMap(); // form -> {on, likes} as the server last said
const latest = new WeakMap(); // form -> its latest request; older answers are not shown
let likes;
let requests = 0;

export function init() {
  if (!section) return;
  likes = section.querySelector('[data-field="like_count"]');
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-mark]");
    if (form) {
      event.preventDefault();
      toggle(form);
    }
  });
  onAuthChange(({ signedIn }) => signedIn && refresh());
}

const likeCount = () => Number.parseInt(likes.textContent, 10);

function render(form, on, likeTotal) {
  const button = form.querySelector("button");
  button.setAttribute("aria-pressed", on);
  button.textContent = on ? button.dataset.on : button.dataset.off;
  form.elements.state.value = on ? "off" : "on"; // the plain form asks for the other state
  if (likeTotal !== undefined) likes.textContent = count(likeTotal, "like");
}

async function toggle(form) {
  const on = form.querySelector("button").getAttribute("aria-pressed") !== "true";
  const isLike = form.dataset.mark === "like";
  const request = ++requests;
  latest.set(form, request);
  if (!confirmed.has(form)) confirmed.set(form, { on: !on, likes: likeCount() });
  render(form, on, isLike ? likeCount() + (on ? 1 : -1) : undefined);
  try {
    const response = await api(form.dataset.api, { method: on ? "PUT" : "DELETE" });
    if (!response.ok) throw new Error(response.status);
    confirmed.set(form, { on: response.data[FIELD[form.dataset.mark]], likes: response.data.like_count });
  } catch {
    if (latest.get(form) === request) {
      announce(`The connection failed: “${form.querySelector("button").dataset.off}” is not saved.`);
    }
  }
  const state = confirmed.get(form);
  if (latest.get(form) === request) render(form, state.on, isLike ? state.likes : undefined);
}

async function refresh() {
  const response = await api(section.dataset.reactions, { cache: "no-store" });
  if (!response.ok) return;
  for (const form of section.querySelectorAll("[data-mark]")) {
    const on = Boolean(response.data.viewer?.[FIELD[form.dataset.mark]]);
    confirmed.set(form, { on, likes: response.data.like_count });
    render(form, on, response.data.like_count);
  }
}
