// Comments without reloads: post, reply, edit and delete one's own, and every 15 seconds
// while the tab is visible ask for newer ones (a 304 if none) to offer in a notice.
// Threads are one level deep: a reply's `parent` is its thread's root (data-thread).

import {
  announce, api, clone, count, fill, machineTime, messages, onAuthChange, shortMoment, showError,
} from "./lib.js";

const POLL_MS = 15000;
const section = document.querySelector("[data-comments]");
const waiting = new Map(); // id -> comment found by polling, not shown yet
let list;
let after;
let timer;
let etag = {};

export function init() {
  if (!section) return;
  list = section.querySelector("[data-comment-list]");
  // New means after the last comment the server listed: the reader's own new ones are
  // left out, so that others' posted meanwhile are still found.
  after = Math.max(0, ...[...list.querySelectorAll(".comment")].map(idOf));
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!section.contains(form)) return;
    if (form.matches("[data-comment-form]")) post(event, form);
    if (form.matches("[data-comment-edit]")) save(event, form);
    if (form.matches("[data-comment-reply]")) postReply(event, form);
  });
  section.addEventListener("click", click);
  section.addEventListener("input", ({ target }) => {
    if (target.closest("[data-comment-form]")) sessionStorage.setItem(draftKey(), target.value);
  });
  document.addEventListener("visibilitychange", () => (document.hidden ? clearTimeout(timer) : poll()));
  onAuthChange(reloadActions);
  restoreDraft();
  schedule();
}

const idOf = (element) => Number(element.id.replace("comment-", "")) || 0;
const urlFor = (name, id) => section.dataset[name].replace("/0/", `/${id}/`);
const draftKey = () => `draft ${section.dataset.comments}`;
const heading = () => section.querySelector("h2");

function restoreDraft() {
  const field = section.querySelector("[data-comment-form] textarea");
  if (field && !field.value) field.value = sessionStorage.getItem(draftKey()) || "";
}

// Whether the reader is signed in (the comment form is shown), and whether the article
// takes comments at all (the form or the sign-in link is).
const canReply = () => Boolean(section.querySelector("[data-comment-form]"));
const takesComments = () => Boolean(section.querySelector('[data-auth-region="comment-form"]'));

function render(comment) {
  const element = clone("comment");
  element.id = `comment-${comment.id}`;
  element.classList.toggle("comment--hidden", comment.is_hidden);
  fill(element, {
    author: comment.author.name,
    created_at: { text: shortMoment(comment.created_at), datetime: machineTime(comment.created_at) },
    edited: Boolean(comment.edited_at) || null,
    hidden: comment.is_hidden || null,
    body: comment.body,
    reply: comment.is_hidden || !takesComments() ? null : { href: urlFor("commentReply", comment.id) },
    edit: comment.can_edit ? { href: urlFor("commentEdit", comment.id) } : null,
    delete: comment.can_delete ? { href: urlFor("commentDelete", comment.id) } : null,
    report: comment.can_report ? { href: urlFor("commentReport", comment.id) } : null,
  });
  if (!element.querySelector(".comment__actions a")) element.querySelector(".comment__actions").remove();
  return element;
}

// The thread of root `id`, made (with the hidden comment's placeholder, until its root
// comes) in root order if the page has none.
function threadOf(id) {
  const threads = [...list.querySelectorAll(":scope > [data-thread]")];
  let thread = threads.find((other) => Number(other.dataset.thread) === id);
  if (!thread) {
    list.querySelector(".empty")?.remove();
    thread = clone("comment-thread");
    thread.dataset.thread = id;
    list.insertBefore(thread, threads.find((other) => Number(other.dataset.thread) > id) || null);
  }
  return thread;
}

function insert(comment) {
  waiting.delete(comment.id);
  if (document.getElementById(`comment-${comment.id}`)) return null;
  const element = render(comment);
  const thread = threadOf(comment.parent ?? comment.id);
  if (comment.parent === null) {
    thread.querySelector('[data-field="placeholder"]')?.remove();
    thread.prepend(element);
  } else {
    const replies = thread.querySelector("[data-replies]");
    replies.insertBefore(element, [...replies.children].find((other) => idOf(other) > comment.id) || null);
  }
  recount();
  return element;
}

const recount = () => (heading().textContent = count(list.querySelectorAll(".comment").length, "comment"));

// The Idempotency-Key of the comment being written: a retry after a lost answer sends it
// again, so the server posts it once. Spent once the server has answered (a 5xx may come
// from a proxy after the post was stored). Not crypto.randomUUID, which needs https.
const newKey = () => [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
let key = newKey();

async function post(event, form) {
  event.preventDefault();
  const field = form.elements.body;
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  showError(form, "");
  try {
    const headers = { "Idempotency-Key": key };
    const response = await api(section.dataset.comments, { method: "POST", data: { body: field.value }, headers });
    if (response.status < 500) key = newKey();
    // The lost post was stored, and the text changed since: this is a new comment.
    if (response.status === 422) return showError(form, "Your earlier text was posted. Post again to add this one.");
    if (response.status !== 201) return showError(form, messages(response.data));
    field.value = "";
    sessionStorage.removeItem(draftKey());
    if (response.data.awaiting_moderation) return held();
    insert(response.data);
    announce("Your comment is posted.");
  } catch {
    showError(form, "The connection failed. Your text is kept.", () => form.requestSubmit());
  } finally {
    button.disabled = false;
  }
}

// Held for a moderator (links from a new account): not shown, as after a reload.
function held() {
  const note = document.createElement("p");
  note.textContent = "Thanks. Your comment has several links, so a moderator will look at it before others see it.";
  section.querySelector("[data-new-comments]").append(note);
  announce(note.textContent);
}

function click(event) {
  const hook = event.target.closest("[data-field], [data-new-comments] button");
  const comment = hook?.closest(".comment");
  const replyForm = hook?.closest("form[data-comment-reply]");
  // Signed out, "Reply" goes to the reply page, which says how to sign in.
  const reply = canReply() ? openReply : null;
  const action = replyForm
    ? { cancel: () => closeReply(replyForm) }[hook.dataset.field]
    : comment && { reply, edit, delete: remove, cancel: closeEditor }[hook.dataset.field];
  if (!hook || event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (action) {
    event.preventDefault();
    action(comment, hook);
  } else if (!comment && hook.closest("[data-new-comments]")) showWaiting();
}

// One reply form per thread, under it; "Reply" on another comment of the thread points
// the open form at that one (the server attaches the answer to the root all the same).
function openReply(comment) {
  const thread = comment.closest("[data-thread]");
  let form = thread.querySelector(":scope > form[data-comment-reply]");
  if (!form) {
    form = thread.appendChild(clone("comment-reply"));
    form.dataset.key = newKey();
  }
  form.dataset.parent = idOf(comment);
  form.querySelector('[data-field="cancel"]').href = `#${comment.id}`;
  form.elements.body.focus();
}

function closeReply(form) {
  const comment = document.getElementById(`comment-${form.dataset.parent}`);
  form.remove();
  comment?.querySelector('[data-field="reply"]')?.focus();
}

async function postReply(event, form) {
  event.preventDefault();
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  showError(form, "");
  try {
    const data = { body: form.elements.body.value, parent: Number(form.dataset.parent) };
    const headers = { "Idempotency-Key": form.dataset.key };
    const response = await api(section.dataset.comments, { method: "POST", data, headers });
    if (response.status < 500) form.dataset.key = newKey();
    if (response.status === 422) return showError(form, "Your earlier text was posted. Post again to add this one.");
    if (response.status !== 201) return showError(form, messages(response.data));
    const reply = insert(response.data) || document.getElementById(`comment-${response.data.id}`);
    form.remove();
    reply.tabIndex = -1;
    reply.focus();
    announce("Your reply is posted.");
  } catch {
    showError(form, "The connection failed. Your text is kept.", () => form.requestSubmit());
  } finally {
    button.disabled = false;
  }
}

function edit(comment) {
  if (comment.querySelector("[data-comment-edit]")) return;
  const editor = clone("comment-edit");
  const body = comment.querySelector(".comment__body");
  editor.elements.body.value = body.textContent;
  editor.querySelector('[data-field="cancel"]').href = `#${comment.id}`;
  body.hidden = comment.querySelector(".comment__actions").hidden = true;
  body.after(editor);
  editor.elements.body.focus();
}

function closeEditor(comment) {
  comment.querySelector("[data-comment-edit]").remove();
  comment.querySelector(".comment__body").hidden = comment.querySelector(".comment__actions").hidden = false;
  comment.querySelector('[data-field="edit"]').focus();
}

async function save(event, editor) {
  event.preventDefault();
  const comment = editor.closest(".comment");
  const button = editor.querySelector("[type=submit]");
  button.disabled = true;
  showError(editor, "");
  try {
    const data = { body: editor.elements.body.value };
    const response = await api(urlFor("commentApi", idOf(comment)), { method: "PATCH", data });
    if (!response.ok) return showError(editor, messages(response.data));
    const updated = render(response.data);
    comment.replaceWith(updated);
    updated.querySelector(".comment__actions a").focus();
    announce("Your comment is updated.");
  } catch {
    showError(editor, "The connection failed. Your text is kept.", () => editor.requestSubmit());
  } finally {
    button.disabled = false;
  }
}

async function remove(comment, link) {
  if (!confirm(link.dataset.confirm)) return;
  try {
    const response = await api(urlFor("commentApi", idOf(comment)), { method: "DELETE" });
    if (!response.ok && response.status !== 404) return announce(messages(response.data));
  } catch {
    return announce("The connection failed: the comment is not deleted.");
  }
  // A deleted root's replies stay, as comments of their own (the server keeps them so).
  const thread = comment.closest("[data-thread]");
  const wasRoot = !comment.parentElement.matches("[data-replies]");
  comment.remove();
  if (wasRoot) {
    for (const reply of thread.querySelectorAll("[data-replies] > .comment")) {
      const own = threadOf(idOf(reply));
      own.querySelector('[data-field="placeholder"]')?.remove();
      own.prepend(reply);
    }
  }
  if (!thread.querySelector(".comment")) thread.remove();
  recount();
  heading().focus();
  announce("The comment is deleted.");
}

function schedule() {
  clearTimeout(timer);
  if (!document.hidden) timer = setTimeout(poll, POLL_MS);
}

async function poll() {
  clearTimeout(timer);
  const url = `${section.dataset.comments}?after=${after}`;
  try {
    // The ETag of the same question last time: unchanged, the answer is a bodiless 304.
    const headers = etag.url === url ? { "If-None-Match": etag.value } : {};
    const response = await api(url, { headers, cache: "no-store" });
    if (response.status === 200) {
      etag = { url, value: response.etag };
      for (const comment of response.data.results) {
        after = Math.max(after, comment.id);
        if (!document.getElementById(`comment-${comment.id}`)) waiting.set(comment.id, comment);
      }
      offerWaiting();
    }
  } catch {
    // Offline for now: the next poll asks again.
  }
  schedule();
}

function offerWaiting() {
  const notice = section.querySelector("[data-new-comments]");
  let button = notice.querySelector("button");
  if (!waiting.size) return button?.remove();
  button ??= notice.appendChild(clone("new-comments"));
  button.textContent = `Show ${count(waiting.size, "new comment")}`;
}

function showWaiting() {
  const shown = [...waiting.values()].sort((a, b) => a.id - b.id).map(insert).filter(Boolean);
  offerWaiting();
  if (!shown.length) return;
  shown[0].tabIndex = -1;
  shown[0].focus();
  announce(`${count(shown.length, "new comment")} shown.`);
}

// After signing in or out: the edit and delete links this reader has.
async function reloadActions({ signedIn }) {
  for (const link of list.querySelectorAll('[data-field="edit"], [data-field="delete"]')) link.remove();
  restoreDraft();
  if (!signedIn) return;
  const response = await api(section.dataset.comments, { cache: "no-store" });
  for (const comment of response.ok ? response.data.results : []) {
    const shown = document.getElementById(`comment-${comment.id}`);
    if (shown && (comment.can_edit || comment.can_delete || comment.can_report)) shown.replaceWith(render(comment));
  }
}
