// The search page: the Pagefind index of the notice pages (written by the build), searched with
// Pagefind's JS API and shown here. The index comes in shards (pagefind/<shard>/, listed in
// pagefind/shards.json): the first is loaded and the others merged into it (Pagefind's multisite
// mergeIndex), so one search, and its filter counts, span them all. Every string from the index (titles, agencies, filter values)
// came from a scraped page, so it is set as text, never as HTML; the excerpt's <mark> highlights
// are rebuilt from an inert parse. (Pagefind's ready-made UI puts filter values into innerHTML.)
// The site may live under a sub-path: this page is <root>/search/, so the root is one level up.
(async function () {
  "use strict";
  const FILTERS = ["年份", "文种", "发文机关"];  // the order of the panels (names from notice_page.py)
  const PAGE_SIZE = 10;
  const root = new URL("..", window.location.href).pathname;
  const input = document.getElementById("gw-q");
  const status = document.getElementById("gw-status");
  const list = document.getElementById("gw-results");
  const more = document.getElementById("gw-more");
  const panel = document.getElementById("gw-filters");
  const chosen = new Map(FILTERS.map((name) => [name, new Set()]));
  const countLabels = new Map();  // "name\u0000value" -> the <span> holding its count
  let results = [];
  let shown = 0;
  let generation = 0;  // the latest query; an older one that finishes later is dropped

  const shards = await (await fetch(root + "pagefind/shards.json")).json();
  const folder = (shard) => `${root}pagefind/${shard}/`;
  const options = { baseUrl: root, excerptLength: 40 };
  const pagefind = await import(folder(shards[0]) + "pagefind.js");
  await pagefind.options(options);
  await pagefind.init();
  await Promise.all(shards.slice(1).map((shard) => pagefind.mergeIndex(folder(shard), options)));

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function excerpt(html) {
    const out = element("p", undefined, "gw-excerpt");
    const parsed = new DOMParser().parseFromString(html, "text/html");  // inert: nothing runs or loads
    for (const node of parsed.body.childNodes) {
      out.append(node.nodeName === "MARK" ? element("mark", node.textContent) : node.textContent);
    }
    return out;
  }

  function item(data) {
    const li = element("li");
    const link = element("a", data.meta.title || data.url);
    link.href = data.url;
    const facts = FILTERS.flatMap((name) => data.filters[name] || []).join(" · ");
    li.append(link, element("div", facts, "gw-facts"), excerpt(data.excerpt));
    return li;
  }

  async function items(start) {
    const data = await Promise.all(results.slice(start, start + PAGE_SIZE).map((result) => result.data()));
    return data.map(item);
  }

  async function showMore() {
    const next = await items(shown);
    shown += next.length;
    list.append(...next);
    more.hidden = shown >= results.length;
  }

  function selectedFilters() {
    const selected = {};
    for (const [name, values] of chosen) {
      if (values.size) selected[name] = { any: [...values] };
    }
    return selected;
  }

  function updateCounts(counts) {
    for (const [key, label] of countLabels) {
      const [name, value] = key.split("\u0000");
      label.textContent = `（${(counts[name] || {})[value] || 0}）`;
    }
  }

  async function run() {
    const mine = ++generation;
    const term = input.value.trim();
    const filters = selectedFilters();
    let found = [];
    let counts = available;  // no query: the counts of the whole index
    if (term || Object.keys(filters).length) {
      const search = await pagefind.debouncedSearch(term || null, { filters }, 200);
      if (search === null) return;  // a newer query superseded this one
      found = search.results;
      counts = search.filters;
    }
    results = found;
    const first = await items(0);
    if (mine !== generation) return;
    shown = first.length;
    list.replaceChildren(...first);
    more.hidden = shown >= results.length;
    status.textContent = term || Object.keys(filters).length ? `${results.length} 篇公文 notices` : "";
    updateCounts(counts);
  }

  function filterPanel(name, counts) {
    const values = Object.keys(counts);
    values.sort(name === "年份" ? (a, b) => b.localeCompare(a) : (a, b) => counts[b] - counts[a]);
    const details = element("fieldset", undefined, "gw-filter");
    details.append(element("legend", name));
    for (const value of values) {
      const box = element("input");
      box.type = "checkbox";
      box.value = value;
      box.dataset.filter = name;
      box.addEventListener("change", () => {
        if (box.checked) chosen.get(name).add(value);
        else chosen.get(name).delete(value);
        run();
      });
      const count = element("span", `（${counts[value]}）`, "gw-count");
      countLabels.set(`${name}\u0000${value}`, count);
      const label = element("label");
      label.append(box, " ", value, count);
      details.append(label);
    }
    return details;
  }

  const available = await pagefind.filters();
  panel.append(...FILTERS.filter((name) => available[name]).map((name) => filterPanel(name, available[name])));
  document.getElementById("gw-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  more.addEventListener("click", showMore);
  input.value = new URLSearchParams(window.location.search).get("q") || "";
  input.disabled = false;
  run();
})();
