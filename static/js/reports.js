// Reporting a comment in place: its Report link opens the report form (the page's own,
// from a <template>) in a dialog, which posts to the API. Without JavaScript the link
// leads to the same form on a page of its own.

import { announce, api, clone, messages, plainClick, showError } from "./lib.js";

const section = document.querySelector("[data-comments]");

export function init() {
  if (!section) return;
  section.addEventListener("click", (event) => {
    const link = event.target.closest('[data-field="report"]');
    if (!link || !plainClick(event)) return;
    event.preventDefault();
    open(link);
  });
}

function open(link) {
  const dialog = document.createElement("dialog");
  dialog.className = "report-dialog";
  dialog.setAttribute("aria-label", "Report this comment");
  const form = clone("comment-report");
  form.action = link.href;
  form.querySelector('[data-field="cancel"]').addEventListener("click", (event) => {
    event.preventDefault();
    dialog.close();
  });
  form.addEventListener("submit", (event) => send(event, form, link));
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (link.isConnected) link.focus();
  });
  dialog.append(form);
  section.append(dialog);
  dialog.showModal();
}

async function send(event, form, link) {
  event.preventDefault();
  const reason = form.elements.reason.value;
  if (!reason) return showError(form, "Choose a reason.");
  const button = form.querySelector("[type=submit]");
  button.disabled = true;
  showError(form, "");
  try {
    const id = link.closest(".comment").id.replace("comment-", "");
    const url = section.dataset.commentReportApi.replace("/0/", `/${id}/`);
    const response = await api(url, { method: "POST", data: { reason } });
    // 409: reported before (in another tab): the same outcome for the reader.
    if (response.status !== 201 && response.status !== 409) return showError(form, messages(response.data));
    const done = document.createElement("span");
    done.textContent = "Reported. Thanks, a moderator will look at it.";
    link.replaceWith(done);
    form.closest("dialog").close();
    announce(done.textContent);
  } catch {
    showError(form, "The connection failed. Try again.");
  } finally {
    button.disabled = false;
  }
}
