// "Load more": a list's link to its next page (?page=N) becomes a button that appends
// that page from the API and moves the address to it, so reload, back and sharing land
// on that page as the server renders it. The API pages the same list by cursor: the
// cursor after page N is the `next` of the API's Nth page (README "JavaScript").

import { announce, api, clone, count, fill, local, longDate, machineTime } from "./lib.js";

const lists = new Map(); // list -> {page, next: API URL (undefined: not found yet), base, button}

export function init() {
  for (const list of document.querySelectorAll("[data-article-list]")) {
    const link = list.parentElement.querySelector(".pagination [rel=next]");
    const state = { page: Number(list.dataset.page), base: link?.href || location.href };
    lists.set(list, state);
    list.firstElementChild?.setAttribute("data-page-start", state.page);
    if (link) {
      link.hidden = true;
      offer(list, state);
    }
  }
  if (!lists.size) return;
  history.replaceState({ page: lists.values().next().value.page }, "");
  // Back and forward between appended pages: to where that page starts.
  addEventListener("popstate", ({ state }) => {
    const start = document.querySelector(`[data-page-start="${state?.page}"]`);
    if (start) start.scrollIntoView();
    else location.reload();
  });
}

function offer(list, state) {
  if (state.button) return;
  state.button = clone("load-more");
  state.button.querySelector("button").onclick = () => loadMore(list, state);
  list.after(state.button);
}

function card(article) {
  const element = fill(clone("article-card"), {
    title: { text: article.title, href: local(article.url) },
    author: { text: article.author.name, href: local(article.author.url) },
    published_at: { text: longDate(article.published_at), datetime: machineTime(article.published_at) },
    reading_time: article.reading_time,
    summary: article.summary,
  });
  const tags = element.querySelector('[data-field="tags"]');
  const blank = tags.firstElementChild;
  for (const tag of article.tags) {
    const item = tags.appendChild(blank.cloneNode(true));
    Object.assign(item.firstElementChild, { href: local(tag.url), textContent: tag.name });
  }
  (article.tags.length ? blank : tags).remove();
  return element;
}

async function apiPage(url) {
  const response = await api(url);
  if (!response.ok) throw new Error(response.status);
  return { results: response.data.results, next: response.data.next && local(response.data.next) };
}

async function loadMore(list, state) {
  const button = state.button.querySelector("button");
  button.disabled = true;
  try {
    if (state.next === undefined) {
      let url = list.dataset.articleList;
      for (let page = 0; page < state.page && url; page++) url = (await apiPage(url)).next;
      state.next = url;
    }
    const { results, next } = state.next ? await apiPage(state.next) : { results: [] };
    const shown = new Set([...list.querySelectorAll(".article-card__title a")].map((a) => a.pathname));
    const cards = results.filter((article) => !shown.has(local(article.url))).map(card);
    state.next = next || null;
    state.page += 1;
    list.append(...cards);
    cards[0]?.setAttribute("data-page-start", state.page);
    const address = new URL(state.base);
    address.searchParams.set("page", state.page);
    history.pushState({ page: state.page }, "", address);
    for (const number of document.querySelectorAll('.pagination [data-field="page"]')) number.textContent = state.page;
    if (!state.next) state.button = state.button.remove();
    cards[0]?.querySelector("a").focus();
    announce(`${count(cards.length, "more article")} loaded.`);
  } catch {
    announce("The connection failed. Please try again.");
  } finally {
    button.disabled = false;
  }
}

// Live search: page 1 of the results at `url` (data null: none) replaces the list.
export function replaceResults(list, data, url) {
  const state = lists.get(list);
  const cards = data?.results.map(card) || [];
  list.replaceChildren(...(data && !cards.length ? [clone("article-list-empty")] : cards));
  list.dataset.articleList = url;
  cards[0]?.setAttribute("data-page-start", 1);
  Object.assign(state, { page: 1, next: data?.next && local(data.next), base: location.href });
  list.parentElement.querySelector(".pagination")?.remove(); // its links were for the old query
  if (state.next) offer(list, state);
  else state.button = state.button?.remove();
}
