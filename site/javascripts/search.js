// The search page. It reads the index the build wrote in searchindex/ (pipelines/site/search_index.py
// says what each file holds) and fetches only what a query needs: per shard, the bucket of each of
// the query's tokens and of its exact key, then the notices it shows. Text is read as
// pipelines/site/search_text.py reads it (compact, tokens): the two must agree, and a browser test
// checks they do.
//
// What comes first: a notice whose 文号, 索引号 or title is the query (compacted: any bracket, digit
// width, space or 第 variant of a 文号 is the same key), then the notices holding every one of the
// query's character pairs, by relevance (pairs in the title count most) or by date; of the first
// ones, those holding the pairs only apart are dropped. When no notice holds them all, the closest
// ones are shown and the page says so.
//
// Every string from the index came from a scraped page: it is set as text, never as HTML.
// The site may live under a sub-path: this page is <root>/search/, so the root is one level up.
(async function () {
  "use strict";
  const PAGE_SIZE = 10;
  const CHECKED = 20;  // the first results checked for the query as written
  const MAX_TOKENS = 12;  // of a long query, pairs spread over it: each costs a fetch per shard
  const CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  const DROPPED = new RegExp(`[^${CJK}a-z0-9]+`, "gu");
  const KEPT = new RegExp(`^[${CJK}a-z0-9]$`, "u");
  const ORDINAL = /第(?=[0-9])/gu;
  const RUNS = new RegExp(`([${CJK}]+)|([a-z0-9]+)`, "gu");
  const TITLE = 16;
  const MAX_TF = 15;
  const FACETS = [  // [index name, URL parameter, label]
    ["region", "region", "地区 Region"],
    ["source", "source", "来源 Source"],
    ["agency", "agency", "发文机关 Agency"],
    ["doc_type", "type", "文种 Type"],
    ["genre", "genre", "体裁 Genre"],
  ];

  const root = new URL("..", window.location.href).pathname;
  const base = `${root}searchindex/`;
  const input = document.getElementById("gw-q");
  const status = document.getElementById("gw-status");
  const list = document.getElementById("gw-results");
  const more = document.getElementById("gw-more");
  const panel = document.getElementById("gw-filters");
  const fold = document.getElementById("gw-filters-box");
  const fetched = new Map();  // URL -> promise of its bytes: nothing is fetched twice

  function bytesOf(url) {
    if (!fetched.has(url)) {
      fetched.set(url, fetch(url).then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${url}`);
        const data = new Uint8Array(await response.arrayBuffer());
        if (data[0] !== 0x1f || data[1] !== 0x8b) return data;  // a host that unzipped it on the way
        const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Uint8Array(await new Response(stream).arrayBuffer());
      }));
    }
    return fetched.get(url);
  }
  const decoder = new TextDecoder();
  const jsonOf = async (url) => JSON.parse(decoder.decode(await bytesOf(url)));

  const [shardNames, pairs] = await Promise.all([
    (await fetch(`${base}shards.json`)).json(),
    (await fetch(`${base}t2s.json`)).json(),
  ]);
  const t2s = new Map();
  const chars = Array.from(pairs);  // by code point: a few simplified characters lie beyond 16 bits
  for (let i = 0; i + 1 < chars.length; i += 2) t2s.set(chars[i], chars[i + 1]);
  const shards = await Promise.all(shardNames.map(async (name) => {
    const folder = `${base}${name}/`;
    return { folder, table: await jsonOf(`${folder}table.gz`), buckets: new Map() };
  }));

  function simplified(text) {
    return Array.from(text.normalize("NFKC").toLowerCase(), (c) => t2s.get(c) || c).join("");
  }

  function compact(text) {
    return simplified(text).replace(DROPPED, "").replace(ORDINAL, "");
  }

  // A query's tokens: the pairs of each run of CJK characters (a run of one: the character), each
  // run of letters and digits; a long query's spread over it.
  function queryTokens(compacted) {
    const found = [];
    for (const [, cjk, word] of compacted.matchAll(RUNS)) {
      if (word) found.push(word);
      else if (cjk.length === 1) found.push(cjk);
      else for (let i = 0; i + 1 < cjk.length; i++) found.push(cjk.slice(i, i + 2));
    }
    const unique = [...new Set(found)];
    if (unique.length <= MAX_TOKENS) return unique;
    const step = (unique.length - 1) / (MAX_TOKENS - 1);
    return [...new Set(Array.from({ length: MAX_TOKENS }, (_, i) => unique[Math.round(i * step)]))];
  }

  const encoder = new TextEncoder();
  function bucketOf(token, buckets) {  // FNV-1a, 32 bits, of the UTF-8 (search_index.bucket_of)
    let hash = 0x811c9dc5;
    for (const byte of encoder.encode(token)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash % buckets;
  }

  function varints(bytes, at) {  // a reader of the varints from ``at`` on
    let offset = at;
    return {
      next() {
        let value = 0;
        let shift = 0;
        for (;;) {
          const byte = bytes[offset++];
          value += (byte & 0x7f) * 2 ** shift;
          if (byte < 0x80) return value;
          shift += 7;
        }
      },
      get offset() { return offset; },
      skip(count) { offset += count; },
    };
  }

  // A bucket's tokens: token -> [offset of its postings, their count], read from its bytes once.
  async function bucket(shard, number) {
    if (!shard.buckets.has(number)) {
      shard.buckets.set(number, bytesOf(`${shard.folder}t/${number}.gz`).then((bytes) => {
        const tokens = new Map();
        const read = varints(bytes, 0);
        while (read.offset < bytes.length) {
          const length = read.next();
          const token = decoder.decode(bytes.subarray(read.offset, read.offset + length));
          read.skip(length);
          const count = read.next();
          const size = read.next();
          tokens.set(token, [bytes, read.offset, count]);
          read.skip(size);
        }
        return tokens;
      }));
    }
    return shard.buckets.get(number);
  }

  async function postings(shard, token) {  // [notice numbers, values]
    const entry = (await bucket(shard, bucketOf(token, shard.table.buckets))).get(token);
    if (!entry) return [[], []];
    const [bytes, offset, count] = entry;
    const read = varints(bytes, offset);
    const numbers = new Array(count);
    const values = new Array(count);
    let number = 0;
    for (let i = 0; i < count; i++) {
      number += read.next();
      numbers[i] = number;
      values[i] = read.next();
    }
    return [numbers, values];
  }

  async function exact(shard, key) {
    if (!key) return [];
    const keys = await jsonOf(`${shard.folder}k/${bucketOf(key, shard.table.key_buckets)}.gz`);
    return keys[key] || [];
  }

  // The notices of one shard for the query: [notice number, score, tokens held, exact]. ``lists``:
  // the exact key's notices, then each token's postings; ``idf``: each token's, over every shard.
  function matchShard([hits, ...lists], idf) {
    const found = new Map();
    const inTitle = new Map();
    lists.forEach(([numbers, values], t) => {
      numbers.forEach((number, i) => {
        const tf = values[i] & MAX_TF;
        const title = (values[i] & TITLE) !== 0;
        const seen = found.get(number) || [number, 0, 0, false];
        seen[1] += idf[t] * (tf / (tf + 1.2) + (title ? 1.5 : 0));
        seen[2] += 1;
        found.set(number, seen);
        if (title) inTitle.set(number, (inTitle.get(number) || 0) + 1);
      });
    });
    for (const [number, held] of inTitle) if (held === lists.length) found.get(number)[1] += 100;
    for (const number of hits) {
      const seen = found.get(number) || [number, 0, lists.length, false];
      seen[1] += 1e6;
      seen[2] = lists.length;
      seen[3] = true;
      found.set(number, seen);
    }
    return [...found.values()];
  }

  // The state of the form, read from and written to the page's address.
  function chosen() {
    const values = {};
    for (const control of panel.querySelectorAll("select")) values[control.name] = control.value;
    return values;
  }

  function passes(shard, number, values) {
    const year = Math.floor(shard.table.date[number] / 10000);
    if (values.from && !(year >= Number(values.from))) return false;
    if (values.to && !(year && year <= Number(values.to))) return false;
    for (const [facet, parameter] of FACETS) {
      if (!values[parameter]) continue;
      const column = shard.table[facet];
      if (column.names[column.of[number]] !== values[parameter]) return false;
    }
    return true;
  }

  async function find(query, values) {
    const key = compact(query);
    const tokens = queryTokens(key);
    let matches = [];
    let partial = false;
    if (tokens.length) {
      const lists = await Promise.all(shards.map((shard) => Promise.all(
        [exact(shard, key), ...tokens.map((token) => postings(shard, token))])));
      const total = shards.reduce((n, shard) => n + shard.table.notices, 0);
      const idf = tokens.map((_, t) => {
        const holding = lists.reduce((n, shardLists) => n + shardLists[t + 1][0].length, 0);
        return Math.log(1 + total / Math.max(1, holding));
      });
      const all = lists.flatMap((shardLists, s) => matchShard(shardLists, idf).map(
        ([number, score, held, hit]) => ({ shard: shards[s], number, score, held, hit })));
      matches = all.filter((m) => m.held === tokens.length);
      if (!matches.length) {  // nothing holds it all: the closest, with at least half of it
        partial = true;
        const most = Math.max(0, ...all.map((m) => m.held));
        matches = all.filter((m) => m.held === most && most * 2 >= tokens.length);
      }
    } else if (!query) {  // the filters alone: every notice they let through
      matches = shards.flatMap((shard) => Array.from({ length: shard.table.notices }, (_, number) => (
        { shard, number, score: 0, held: 0, hit: false })));
    }  // else a query of punctuation alone: nothing
    const counted = matches;
    matches = matches.filter((m) => passes(m.shard, m.number, values));
    const date = (m) => m.shard.table.date[m.number];
    const byDate = (a, b) => date(b) - date(a);
    if (values.sort === "old") matches.sort((a, b) => (date(a) || 1e9) - (date(b) || 1e9));
    else if (values.sort === "new" || !tokens.length) matches.sort(byDate);
    else matches.sort((a, b) => b.score - a.score || byDate(a, b));
    const relevance = Boolean(tokens.length) && !["new", "old"].includes(values.sort);
    return { key, tokens, matches, counted, partial, relevance };
  }

  const noticeOf = (match) => jsonOf(`${match.shard.folder}d/${match.number}.gz`);

  // The compacted text with, for each of its characters, where it came from in the text.
  function compactedWithPlaces(text) {
    const chars = [];
    const places = [];
    Array.from(text).forEach((c, place) => {  // places: of code points, as the excerpt counts them
      for (const d of simplified(c)) {
        if (KEPT.test(d)) {
          chars.push(d);
          places.push(place);
        }
      }
    });
    const kept = chars.map((c, i) => !(c === "第" && /[0-9]/.test(chars[i + 1] || "")));
    return [chars.filter((_, i) => kept[i]).join(""), places.filter((_, i) => kept[i])];
  }

  function holds(notice, key) {
    return compact([notice.title, notice.doc_number, notice.index_number, notice.agency, notice.body].join(" "))
      .includes(key);
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function excerpt(notice, key) {
    const body = Array.from(notice.body.replace(/\s+/g, " "));
    const out = element("p", undefined, "gw-excerpt");
    const [text, places] = compactedWithPlaces(body.join(""));
    const at = key ? text.indexOf(key) : -1;
    if (at < 0) {
      out.textContent = body.slice(0, 120).join("") + (body.length > 120 ? "…" : "");
      return out;
    }
    const start = places[at];
    const end = places[at + key.length - 1] + 1;
    const from = Math.max(0, start - 40);
    const to = Math.min(body.length, end + 80);
    out.append((from > 0 ? "…" : "") + body.slice(from, start).join(""),
      element("mark", body.slice(start, end).join("")),
      body.slice(end, to).join("") + (to < body.length ? "…" : ""));
    return out;
  }

  function item(notice, key) {
    const li = element("li");
    const link = element("a", notice.title || notice.id);
    link.href = `${root}notices/${encodeURIComponent(notice.id)}/`;
    const facts = [notice.doc_number, notice.date, notice.doc_type, notice.agency, notice.source]
      .filter(Boolean).join(" · ");
    li.append(link, element("div", facts, "gw-facts"), excerpt(notice, key));
    return li;
  }

  // The first results by relevance are checked for the query as written: those holding its pairs
  // only apart (新经 and 经济, not 新经济) are dropped, unless none of them holds it as written.
  async function checked(found) {
    if (!found.relevance || found.tokens.length < 2) return found.matches;  // one token: it is the query
    const head = found.matches.slice(0, CHECKED);
    const notices = await Promise.all(head.map(noticeOf));
    const holding = head.filter((m, i) => m.hit || holds(notices[i], found.key));
    return holding.length ? [...holding, ...found.matches.slice(CHECKED)] : found.matches;
  }

  let results = [];
  let shown = 0;
  let shownKey = "";
  let generation = 0;  // the latest query; an older one that finishes later is dropped
  let started = 0;

  async function showMore() {
    const next = results.slice(shown, shown + PAGE_SIZE);
    const notices = await Promise.all(next.map(noticeOf));
    shown += next.length;
    list.append(...notices.map((notice) => item(notice, shownKey)));
    more.hidden = shown >= results.length;
  }

  function updateAddress(query, values) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
    const address = params.toString() ? `?${params}` : window.location.pathname;
    window.history.replaceState(null, "", address);
  }

  function updateCounts(counted) {
    for (const [facet, parameter] of FACETS) {
      const counts = new Map();
      for (const m of counted) {
        const column = m.shard.table[facet];
        const name = column.names[column.of[m.number]];
        if (name !== undefined) counts.set(name, (counts.get(name) || 0) + 1);
      }
      const control = panel.querySelector(`select[name="${parameter}"]`);
      if (!control) continue;
      for (const option of control.options) {
        if (option.value) option.textContent = `${option.value}（${counts.get(option.value) || 0}）`;
      }
    }
  }

  async function run() {
    const mine = ++generation;
    const query = input.value.trim();
    const values = chosen();
    updateAddress(query, values);
    const filtered = Object.entries(values).some(([name, value]) => value && name !== "sort");
    if (!query && !filtered) {
      results = [];
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    const found = await find(query, values);
    const ordered = await checked(found);
    const first = ordered.slice(0, PAGE_SIZE);
    const notices = await Promise.all(first.map(noticeOf));
    if (mine !== generation) return;
    results = ordered;
    shownKey = found.key;
    shown = first.length;
    list.replaceChildren(...notices.map((notice) => item(notice, found.key)));
    more.hidden = shown >= results.length;
    const said = found.partial && results.length
      ? "没有公文包含全部检索词，以下为最接近的 No notice holds all of it; the closest ones"
      : "";
    status.textContent = `${results.length} 篇公文 notices${said ? ` · ${said}` : ""}`;
    updateCounts(found.counted);
    list.dataset.query = query;  // for bench/search_quality.py: what the list shows, and how fast
    list.dataset.ms = (performance.now() - started).toFixed(1);
  }

  function select(name, label, options, value) {
    const control = element("select");
    control.name = name;
    for (const [optionValue, text] of options) {
      const option = element("option", text);
      option.value = optionValue;
      control.append(option);
    }
    control.value = options.some(([v]) => v === value) ? value : "";
    control.addEventListener("change", () => {
      started = performance.now();
      run();
    });
    const wrapper = element("label", label);
    wrapper.append(control);
    return wrapper;
  }

  function names(facet) {  // every value of a facet in every shard, the most frequent first
    const counts = new Map();
    for (const shard of shards) {
      const column = shard.table[facet];
      for (const of of column.of) if (of >= 0) counts.set(column.names[of], (counts.get(column.names[of]) || 0) + 1);
    }
    return [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b, "zh"));
  }

  const params = new URLSearchParams(window.location.search);
  const years = [...new Set(shards.flatMap((s) => s.table.date.filter(Boolean).map((d) => Math.floor(d / 10000))))]
    .sort((a, b) => b - a).map(String);
  panel.append(
    select("from", "从 From", [["", "不限 any"], ...years.map((y) => [y, y])], params.get("from")),
    select("to", "到 To", [["", "不限 any"], ...years.map((y) => [y, y])], params.get("to")),
    ...FACETS.map(([facet, parameter, label]) => (
      select(parameter, label, [["", "全部 all"], ...names(facet).map((n) => [n, n])], params.get(parameter)))),
    select("sort", "排序 Sort", [["", "相关度 relevance"], ["new", "日期 newest first"],
      ["old", "日期 oldest first"]], params.get("sort")),
  );
  fold.open = window.matchMedia("(min-width: 60em)").matches;
  document.getElementById("gw-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    started = performance.now();
    run();
  });
  input.addEventListener("input", (event) => {
    if (event.isComposing) return;  // an input method still composing: search when it is done
    started = performance.now();
    run();
  });
  input.addEventListener("compositionend", () => {
    started = performance.now();
    run();
  });
  more.addEventListener("click", showMore);
  input.value = params.get("q") || "";
  input.disabled = false;
  started = performance.now();
  run();
})();
