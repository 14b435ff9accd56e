// Sign in, up and out through the REST auth API, in a dialog. Then the page's personal
// parts ([data-auth-region]) switch to the version in their <template data-auth-template>.

import { announce, api, clone, csrfToken, messages, plainClick } from "./lib.js";

const urls = document.body.dataset;
let state = document.querySelector('meta[name="csrf-token"]') ? "in" : "out";
const kept = new Map(); // region -> its nodes for the state it is not showing
let dialog;
let opener;

export function init() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-auth-open]");
    if (link && plainClick(event)) {
      event.preventDefault();
      open(link.dataset.authOpen, link);
    } else if (event.target.closest("[data-auth-close]")) dialog.close();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const action = form.matches("[data-sign-out]") ? signOut : { login: signIn, signup: signUp }[form.dataset.authForm];
    if (action) {
      event.preventDefault();
      action(form);
    }
  });
}

function open(mode, link) {
  dialog ??= document.body.appendChild(clone("auth-dialog"));
  if (!dialog.open) opener = link;
  show(mode);
  if (!dialog.open) dialog.showModal();
  dialog.querySelector(`[data-auth-form="${mode}"] input`).focus();
}

function show(mode) {
  for (const part of dialog.querySelectorAll("[data-auth-form]")) part.hidden = part.dataset.authForm !== mode;
  dialog.setAttribute("aria-labelledby", `auth-dialog-${mode}-title`);
}

async function send(form, url, data, done) {
  const button = form.querySelector("[type=submit]");
  const general = form.querySelector('[data-field="errors"]');
  for (const box of form.querySelectorAll(".form-errors")) box.textContent = "";
  for (const input of form.elements) input.removeAttribute("aria-invalid");
  button.disabled = true;
  try {
    const response = await api(url, { method: "POST", data });
    if (response.ok) return await done(response.data);
    const errors = response.data?.errors || { "": [messages(response.data)] };
    for (const [name, lines] of Object.entries(errors)) {
      const box = form.querySelector(`[data-errors-for="${name}"]`) || general;
      form.elements[name]?.setAttribute("aria-invalid", true);
      box.append(box.textContent ? "\n" : "", lines.join("\n"));
    }
  } catch {
    general.textContent = "The connection failed. Please try again.";
  } finally {
    button.disabled = false;
  }
}

function signIn(form) {
  // The API takes an e-mail address as `username` too, as the sign-in page does.
  const data = { username: form.elements.login.value, password: form.elements.password.value };
  return send(form, urls.apiLogin, data, (result) => signedIn(form, result.user));
}

function signUp(form) {
  return send(form, urls.apiSignup, Object.fromEntries(new FormData(form)), (result) => {
    // With e-mail verification mandatory, nobody is signed in before following the link.
    if (result.user) return signedIn(form, result.user);
    form.reset();
    show("done");
    dialog.querySelector('[data-auth-form="done"]').focus();
  });
}

async function signedIn(form, user) {
  form.reset();
  dialog.close();
  await switchTo("in", user);
  announce(`Signed in as ${user.display_name || user.username}.`);
}

async function signOut(form) {
  try {
    const response = await api(urls.apiLogout, { method: "POST", data: {} });
    if (!response.ok) return announce(messages(response.data));
  } catch {
    return announce("The connection failed: you are still signed in.");
  }
  // A page only for members has nothing left to show.
  if (urls.signedInOnly) return location.assign(urls.signedInOnly);
  opener = form;
  await switchTo("out");
  announce("Signed out.");
}

async function switchTo(next, user) {
  const region = opener?.closest("[data-auth-region]");
  for (const element of document.querySelectorAll("[data-auth-region]")) {
    const template = document.querySelector(`[data-auth-template="${element.dataset.authRegion}"]`);
    const nodes = kept.get(element)?.[next] || template?.content.cloneNode(true).childNodes;
    if (!nodes) continue;
    kept.set(element, { ...kept.get(element), [state]: [...element.childNodes] });
    element.replaceChildren(...nodes);
  }
  state = next;
  await csrfToken(true); // signing in or out rotates it
  document.dispatchEvent(new CustomEvent("gazette:auth", { detail: { signedIn: next === "in", user } }));
  if (region && !region.contains(document.activeElement)) region.querySelector("textarea, button, a")?.focus();
}
