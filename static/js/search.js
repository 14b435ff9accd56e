// Search as you type: results from the API a moment after typing stops, an earlier
// request cancelled by a newer one, the address kept to the query. Pressing Search
// still loads the server's results page.

import { announce, api, count } from "./lib.js";
import { replaceResults } from "./lists.js";

export function init() {
  const form = document.querySelector("[data-live-search]");
  if (!form) return;
  const list = document.querySelector("[data-article-list]");
  const summary = document.querySelector("[data-search-summary]");
  const siteName = document.title.split(" · ").pop();
  let timer;
  let controller;

  async function search() {
    const query = form.elements.q.value.trim().replace(/\s+/g, " ");
    controller?.abort();
    controller = new AbortController();
    const address = new URL(location.href);
    address.search = query ? new URLSearchParams({ q: query }) : "";
    history.replaceState({ page: 1 }, "", address);
    document.querySelector("[data-search-title]").textContent = query ? `Results for “${query}”` : "Search";
    document.title = `${query ? `Search results for “${query}”` : "Search"} · ${siteName}`;
    const url = `${form.dataset.liveSearch}?${new URLSearchParams({ search: query })}`;
    summary.textContent = "";
    if (!query) return replaceResults(list, null, url);
    try {
      const response = await api(url, { signal: controller.signal });
      if (!response.ok) throw new Error(response.status);
      const { results, next } = response.data;
      replaceResults(list, response.data, url);
      summary.textContent = `${next ? "More than " : ""}${count(results.length, "article")} found.`;
    } catch (error) {
      if (error.name !== "AbortError") announce("Search is not answering; press Search to try again.");
    }
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  });
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    controller?.abort();
  });
}
