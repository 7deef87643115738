/* Site search: finds pages by their words, Khmer included, in the static index that
   `pipeline build` writes under <lang>/search/ (format and rules: docs/SEARCH.md).

   The query is repaired and folded as the index text was (`repair`, `fold`), cut into words by
   Intl.Segmenter, and each word looked up in the one terms chunk that can hold it. A Khmer word
   the index does not know is looked for inside the compounds ICU kept whole, then as pieces that
   are each an indexed word, then joined with the next word of the query; words typed without a
   space between them that the index knows as one word (ICU kept ការចូលរួម whole, the browser
   splits it) are looked up as that word too. Results are drawn with
   createElement and textContent only: no text from the index or the query ever becomes markup.
   No library, no build step; in node (`module` defined) the file exports its functions. */
(function () {
  "use strict";

  // --- the kinds of Khmer character (pipeline/khmer/script.py) -------------------------------
  const BASE = 0, VOWEL = 1, SIGN = 2, SHIFTER = 3, ROBAT = 4, SUBSCRIPT = 5, INHERENT = 6,
    JOINER = 7, OTHER = 8, BARE_COENG = -1;
  const COENG = "\u17d2", RO = "\u179a", DA = "\u178a", TA = "\u178f", SRA_U = "\u17bb";
  const TRIISAP = "\u17ca", MUUSIKATOAN = "\u17c9", DOTTED_CIRCLE = "\u25cc";
  const FIRST_SERIES = new Set("កខចឆដឋណតថផសហឡអឝឞ");
  const SECOND_SERIES = new Set("គឃងជឈញឌឍនទធពភមយរលវ");
  const UPPER_VOWELS = new Set("\u17b7\u17b8\u17b9\u17ba\u17be\u17bf");
  // Split vowels: the two code points typed for one vowel → that vowel.
  const SPLIT_VOWELS = new Map([
    ["\u17c1\u17b8", "\u17be"], ["\u17c1\u17b6", "\u17c4"], ["\u17c1\u17be", "\u17be"],
    ["\u17c1\u17bf", "\u17bf"], ["\u17c1\u17c0", "\u17c0"], ["\u17c1\u17c4", "\u17c4"],
    ["\u17c1\u17c5", "\u17c5"],
  ]);

  function kindOf(ch) {
    const o = ch.charCodeAt(0);
    if ((o >= 0x1780 && o <= 0x17b3) || o === 0x17dc || o === 0x25cc) return BASE;
    if (o >= 0x17b6 && o <= 0x17c5) return VOWEL;
    if (o === 0x17c9 || o === 0x17ca) return SHIFTER;
    if (o === 0x17cc) return ROBAT;
    if (o === 0x17d2) return SUBSCRIPT;
    if ((o >= 0x17c6 && o <= 0x17d1) || o === 0x17d3 || o === 0x17dd) return SIGN;
    if (o === 0x17b4 || o === 0x17b5) return INHERENT;
    if (o === 0x200c || o === 0x200d) return JOINER;
    return OTHER;
  }

  function shifterFor(base) {
    if (FIRST_SERIES.has(base) && base !== "ប") return TRIISAP;
    if (SECOND_SERIES.has(base)) return MUUSIKATOAN;
    return "";
  }

  function takesShifter(vowel, signs) {
    return UPPER_VOWELS.has(vowel) || (vowel === "\u17b6" && signs[0] === "\u17c6");
  }

  // The cluster whose base letter stands at `start`: it ends at the first character that is not
  // one of its marks. A mark is {kind, index, text}; a subscript's text is the coeng and its letter.
  function scanCluster(text, start) {
    const marks = [];
    let j = start + 1;
    const n = text.length;
    while (j < n) {
      const ch = text[j];
      const kind = kindOf(ch);
      if (kind === SUBSCRIPT) {
        if (j + 1 < n && kindOf(text[j + 1]) === BASE && text[j + 1] !== DOTTED_CIRCLE) {
          marks.push({ kind: SUBSCRIPT, index: j, text: text.slice(j, j + 2) });
          j += 2;
        } else {
          marks.push({ kind: BARE_COENG, index: j, text: ch });
          j += 1;
        }
      } else if (kind === VOWEL || kind === SIGN || kind === SHIFTER || kind === ROBAT ||
                 kind === INHERENT || kind === JOINER) {
        marks.push({ kind: kind, index: j, text: ch });
        j += 1;
      } else {
        break;
      }
    }
    return { start: start, end: j, text: text.slice(start, j), marks: marks };
  }

  // Drop a mark that repeats the one before it (subscripts may repeat), and the bare coeng of a
  // doubled coeng (ស + ្ + ្ម).
  function dedupe(marks) {
    const out = [];
    for (const mark of marks) {
      const last = out[out.length - 1];
      if (last && mark.text === last.text && mark.kind !== SUBSCRIPT) continue;
      if (last && mark.kind === BARE_COENG && last.kind === BARE_COENG) continue;
      out.push(mark);
    }
    return out.filter((mark, pos) => {
      const next = out[pos + 1];
      return !(mark.kind === BARE_COENG && next && next.kind === SUBSCRIPT && next.index === mark.index + 1);
    });
  }

  // The cluster retyped in the standard order with the mechanical mistakes repaired.
  function canonical(cluster) {
    const marks = dedupe(cluster.marks.filter((m) => m.kind !== JOINER && m.kind !== INHERENT));
    const of = (kind) => marks.filter((m) => m.kind === kind).map((m) => m.text);
    // marks of one kind typed apart (a vowel or sign twice, something between): one in the standard order
    const onceEach = (texts) => texts.filter((text, at) => at === 0 || text !== texts[at - 1]);
    let subs = of(SUBSCRIPT);
    const hasRo = subs.some((s) => s[1] === RO);
    subs = subs.filter((s) => s[1] !== RO).concat(subs.filter((s) => s[1] === RO));
    subs = subs.map((s) => (s[1] === DA && hasRo ? COENG + TA : s));
    let shifters = onceEach(of(SHIFTER)), vowels = onceEach(of(VOWEL));
    const signs = onceEach(of(SIGN));
    while (vowels.length >= 2 && SPLIT_VOWELS.has(vowels[0] + vowels[1])) {
      vowels = [SPLIT_VOWELS.get(vowels[0] + vowels[1])].concat(vowels.slice(2));
    }
    const base = cluster.text[0];
    if (vowels.length === 2 && vowels[0] === SRA_U && shifters.length === 0 &&
        takesShifter(vowels[1], signs) && shifterFor(base)) {
      shifters = [shifterFor(base)];
      vowels = vowels.slice(1);
    }
    const joiners = cluster.marks.filter((m) => m.kind === JOINER).map((m) => m.text);
    return base + of(ROBAT).concat(subs, of(BARE_COENG), shifters, joiners, vowels, signs).join("");
  }

  // --- normalization (the same as pipeline.search.repair and fold) ----------------------------
  const LEFT_OUT = /[\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5\u17d3]/g;

  function repair(text) {
    const typed = text.normalize("NFC").replace(LEFT_OUT, "").replace(/\u17d8/g, "។ល។")
      .replace(/\u17a3/g, "\u17a2").replace(/\u17a4/g, "\u17a2\u17b6");
    let out = "";
    let at = 0;
    while (at < typed.length) {
      if (kindOf(typed[at]) === BASE) {
        const cluster = scanCluster(typed, at);
        out += canonical(cluster);
        at = cluster.end;
      } else {
        out += typed[at];
        at += 1;
      }
    }
    return out;
  }

  const LONGEST_TERM = 64;  // UTF-16 units: a longer "word" is pasted garbage

  // The term a word is searched by ("" for none): lower case, ្ដ as ្ត, ឲ as ឱ, Khmer digits as
  // Latin ones, ៗ left out.
  function fold(word) {
    const term = word.toLowerCase()
      .replace(/\u17d2\u178a/g, "\u17d2\u178f")
      .replace(/\u17b2/g, "\u17b1")
      .replace(/[\u17e0-\u17e9]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0x17e0 + 0x30))
      .replace(/\u17d7/g, "");
    return term.length <= LONGEST_TERM ? term : "";
  }

  // The terms of one word: its fold, or, for a Khmer word with a number glued to it (ឆ្នាំ២០២៥,
  // "year 2025"), its letters and its numbers apart: the index has them so.
  function wordTerms(word) {
    const term = fold(word);
    if (!term || !/[\u1780-\u17ff][0-9]|[0-9][\u1780-\u17ff]/.test(term)) return term ? [term] : [];
    return term.match(/[0-9]+|[^0-9]+/g).map(fold).filter(Boolean);
  }

  // The words of `text` as Intl.Segmenter reads them ({text, start, end}), word-like ones only.
  function words(text, lang) {
    if (typeof Intl === "object" && typeof Intl.Segmenter === "function") {
      const segmenter = new Intl.Segmenter(lang || undefined, { granularity: "word" });
      return Array.from(segmenter.segment(text))
        .filter((s) => s.isWordLike)
        .map((s) => ({ text: s.segment, start: s.index, end: s.index + s.segment.length }));
    }
    const found = [];
    for (const m of text.matchAll(/[^\s\p{P}]+/gu)) {
      found.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    }
    return found;
  }

  // The query's words: {term, start, end, run} (offsets in `text`, the repaired query), in order;
  // words written together (nothing between them) share their `run`.
  function queryWords(text, lang, segment) {
    let run = 0, end = -1;
    return (segment || words)(text, lang).flatMap((w) => {
      if (w.start !== end) run += 1;
      end = w.end;
      return wordTerms(w.text).map((term) => ({ term: term, start: w.start, end: w.end, run: run }));
    });
  }

  // The query's terms, in order, each once.
  function queryTerms(query, lang) {
    return Array.from(new Set(queryWords(repair(query), lang).map((w) => w.term)));
  }

  const LONGEST_JOIN = 5;  // query words put back together into one indexed word, at most
  const LONGEST_COMPOUND = 16;  // clusters: a longer unknown word is not cut into pieces
  const LONGEST_RUN = 48;  // clusters: a longer run of words typed together is not read again

  // The words `first`…`last` of the query as one term, when no space stood between them (the
  // browser split what ICU may have kept whole: ការចូលរួម, www.mptc.gov.kh); else "".
  function joinedTerm(text, found, first, last) {
    const piece = text.slice(found[first].start, found[last].end);
    return /\s/.test(piece) ? "" : fold(piece);
  }

  function isKhmer(term) {
    return /[\u1780-\u17ff]/.test(term);
  }

  // Where a term may be cut into pieces: after each cluster (or other character).
  function clusterEnds(term) {
    const ends = [];
    let at = 0;
    while (at < term.length) {
      at = kindOf(term[at]) === BASE ? scanCluster(term, at).end : at + 1;
      ends.push(at);
    }
    return ends;
  }

  // --- postings: Map page → score ------------------------------------------------------------
  function postings(flat) {
    const pages = new Map();
    for (let k = 0; flat && k + 1 < flat.length; k += 2) pages.set(flat[k], flat[k + 1]);
    return pages;
  }

  function union(a, b, bWeight) {
    const out = new Map(a);
    for (const [page, score] of b) out.set(page, (out.get(page) || 0) + score * bWeight);
    return out;
  }

  function intersect(sets) {
    if (sets.length === 0) return new Map();
    const [smallest, ...rest] = sets.slice().sort((x, y) => x.size - y.size);
    const out = new Map();
    for (const [page, score] of smallest) {
      let least = score;
      let everywhere = true;
      for (const other of rest) {
        if (!other.has(page)) { everywhere = false; break; }
        least = Math.min(least, other.get(page));
      }
      if (everywhere) out.set(page, least);
    }
    return out;
  }

  // The last index i with sorted[i] <= term (sorted[0] is "").
  function chunkOf(firsts, term) {
    let low = 0, high = firsts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (firsts[mid] <= term) low = mid; else high = mid - 1;
    }
    return low;
  }

  // --- the engine over one language's index ---------------------------------------------------
  // `load(path)`: a Promise of the JSON at `path`, relative to the index folder (`terms/3.json`),
  // or a site path (`/km/search/text/x.json`). Everything loaded is kept. `segment(text, lang)`:
  // the words of the query as `words` gives them (by default, Intl.Segmenter's).
  function engine(load, lang, segment) {
    const cache = new Map();
    const cached = (path) => {
      if (!cache.has(path)) {
        const promise = load(path);
        promise.catch(() => cache.delete(path));
        cache.set(path, promise);
      }
      return cache.get(path);
    };
    const manifest = () => cached("index.json");

    // A term's entry: {whole, inside} (Maps page → score), empty when the index lacks it.
    async function entry(term) {
      const index = await manifest();
      const chunk = await cached("terms/" + chunkOf(index.chunks, term) + ".json");
      const has = (table) => Object.prototype.hasOwnProperty.call(table || {}, term);
      return {
        whole: postings(has(chunk.w) ? chunk.w[term] : null),
        inside: postings(has(chunk.i) ? chunk.i[term] : null),
      };
    }

    async function pagesOf(term) {
      const found = await entry(term);
      return { pages: union(found.whole, found.inside, 0.7), whole: found.whole.size > 0, inside: found.inside.size > 0 };
    }

    // The fewest pieces, cut at cluster ends, that are each an indexed term (null when none). A
    // piece has LONGEST_COMPOUND clusters at most, and so has `term` unless it is a run of words.
    async function pieces(term, longest) {
      const ends = [0].concat(clusterEnds(term));
      if (ends.length > (longest || LONGEST_COMPOUND) + 1) return null;
      const best = new Map([[0, []]]);
      for (let from = 0; from < ends.length - 1; from += 1) {
        const before = best.get(ends[from]);
        if (!before) continue;
        const tails = ends.slice(from + 1, from + 1 + LONGEST_COMPOUND).filter((end) => !(from === 0 && end === term.length));
        const found = await Promise.all(tails.map((end) => pagesOf(term.slice(ends[from], end))));
        tails.forEach((end, k) => {
          if (found[k].pages.size === 0) return;
          const path = before.concat([{ term: term.slice(ends[from], end), pages: found[k].pages }]);
          if (!best.has(end) || best.get(end).length > path.length) best.set(end, path);
        });
      }
      return best.get(term.length) || null;
    }

    // The pages having every piece of `term` (score: the smallest piece's × 0.5), or null.
    async function inPieces(term, longest) {
      const parts = await pieces(term, longest);
      if (!parts) return null;
      const shared = intersect(parts.map((p) => p.pages));
      if (shared.size === 0) return null;
      const scored = new Map(Array.from(shared, ([page, score]) => [page, score * 0.5]));
      return { pages: scored, equal: [], within: parts.map((p) => p.term), joined: false };
    }

    // How one query term is found: {pages, equal: [terms], within: [terms], joined}, or null.
    // `direct`: as a word of the index or inside one; `resolve`: also as pieces that are words,
    // or joined with the `next` query word (then `joined` is true).
    async function direct(term) {
      const found = await pagesOf(term);
      if (found.pages.size === 0) return null;
      return { pages: found.pages, equal: found.whole ? [term] : [], within: found.inside ? [term] : [], joined: false };
    }

    async function resolve(term, next) {
      const found = (await direct(term)) || (isKhmer(term) ? await inPieces(term) : null);
      if (found || next === undefined) return found;
      const both = await direct(term + next);
      return both && Object.assign(both, { joined: true });
    }

    // The query cut into units: words typed without a space between them that the index knows as
    // one word ({joined}: only the pages having that word, not those having its parts apart), else
    // one word ({term}); each with the run of its first word.
    async function units(text, found) {
      const out = [];
      let k = 0;
      while (k < found.length) {
        let unit = null;
        for (let last = Math.min(found.length, k + LONGEST_JOIN) - 1; last > k && !unit; last -= 1) {
          const term = joinedTerm(text, found, k, last);
          if (term && (await pagesOf(term)).pages.size > 0) {
            unit = { joined: term, next: last + 1 };
          }
        }
        unit = unit || { term: found[k].term, next: k + 1 };
        unit.run = found[k].run;
        out.push(unit);
        k = unit.next;
      }
      return out;
    }

    // A run of Khmer words written together (no space, no sign between them) as the index cuts it
    // into words: the browser may have cut it elsewhere (អាជ្ញាធ|រមូល|ដ្ឋាន for អាជ្ញាធរ|មូលដ្ឋាន).
    async function runInPieces(text, found, run) {
      const words = found.filter((w) => w.run === run);
      if (words.length < 2) return null;
      const term = fold(text.slice(words[0].start, words[words.length - 1].end));
      return /^[\u1780-\u17ff]+$/.test(term) ? inPieces(term, LONGEST_RUN) : null;
    }

    // The ranked matches of a query: {terms, missing, equal, within, ranked: [{page, score}]}.
    async function match(query) {
      const text = repair(query);
      const found = queryWords(text, lang, segment);
      const index = await manifest();
      const candidates = new Set(found.map((w) => w.term));
      for (let k = 0; k < found.length; k += 1) {
        for (let last = k + 1; last < Math.min(found.length, k + LONGEST_JOIN); last += 1) {
          candidates.add(joinedTerm(text, found, k, last));
        }
      }
      candidates.delete("");
      await Promise.all(Array.from(candidates, entry));  // every chunk the query may need, at once
      const plan = await units(text, found);
      let matches = [];  // {run, pages, equal, within}
      const seen = new Set();
      let missing = null;
      for (let k = 0; k < plan.length; k += 1) {
        const unit = plan[k];
        const key = unit.joined || unit.term;
        if (seen.has(key)) continue;
        seen.add(key);
        let how = await direct(unit.joined || unit.term);
        if (!how) {
          // a word the index lacks: first its whole run of words read again the index's way
          how = await runInPieces(text, found, unit.run);
          if (how) {
            matches = matches.filter((m) => m.run !== unit.run);
            while (k + 1 < plan.length && plan[k + 1].run === unit.run) k += 1;
          }
        }
        if (!how) {
          const next = plan[k + 1] && !plan[k + 1].joined ? plan[k + 1].term : undefined;
          how = await resolve(unit.term, next);
          if (!how) { missing = unit.term; break; }
          if (how.joined) k += 1;
        }
        matches.push({ run: unit.run, pages: how.pages, equal: how.equal, within: how.within });
      }
      const equal = new Set(matches.flatMap((m) => m.equal));
      const within = new Set(matches.flatMap((m) => m.within));
      const ranked = [];
      if (!missing && matches.length > 0) {
        const total = index.pages || 1;
        for (const page of intersect(matches.map((m) => m.pages)).keys()) {
          let score = 0;
          for (const { pages } of matches) score += pages.get(page) * Math.log(1 + total / pages.size);
          ranked.push({ page: page, score: score });
        }
        ranked.sort((a, b) => b.score - a.score || a.page - b.page);
      }
      return { terms: Array.from(seen), missing: missing, equal: equal, within: within, ranked: ranked };
    }

    async function record(page) {
      const index = await manifest();
      const per = index.per_meta;
      const records = await cached("pages/" + Math.floor(page / per) + ".json");
      return records[page % per];
    }

    async function search(query) {
      const found = await match(query);
      return Promise.all(found.ranked.map((hit) => record(hit.page)));
    }

    return { match: match, record: record, text: (path) => cached(path), search: search };
  }

  // --- excerpts ------------------------------------------------------------------------------
  const EXCERPT_WORDS = 25;

  // Whether `inner` stands in `term` from a cluster's start to a cluster's end (តាកែវ in
  // ខេត្តតាកែវ; not ការ in ការិយាល័យ, whose រិ is one cluster).
  function standsIn(term, inner) {
    let at = term.indexOf(inner);
    if (at < 0) return false;
    const edges = new Set([0].concat(clusterEnds(term)));
    for (; at >= 0; at = term.indexOf(inner, at + 1)) {
      if (edges.has(at) && edges.has(at + inner.length)) return true;
    }
    return false;
  }

  // A text file's words as [start, end, start, end, …] (the file has, for each word, how far it
  // starts after the end of the one before, then its length).
  function wordOffsets(gaps) {
    const offsets = [];
    let end = 0;
    for (let k = 0; k + 1 < gaps.length; k += 2) {
      const start = end + gaps[k];
      end = start + gaps[k + 1];
      offsets.push(start, end);
    }
    return offsets;
  }

  // Whether an indexed word's term is one the query matched.
  function matched(term, equal, within) {
    if (equal.has(term) || wordTerms(term).some((piece) => equal.has(piece))) return true;
    for (const inner of within) if (standsIn(term, inner)) return true;
    return false;
  }

  // The excerpt of about 25 words around the first matched word: a list of [text, marked] runs,
  // with "…" where it cuts the text.
  function excerpt(page, equal, within) {
    const text = page.text || "", offsets = wordOffsets(page.words || []);
    const count = Math.floor(offsets.length / 2);
    const marked = new Array(count);
    let first = -1;
    for (let w = 0; w < count; w += 1) {
      marked[w] = matched(fold(text.slice(offsets[2 * w], offsets[2 * w + 1])), equal, within);
      if (marked[w] && first < 0) first = w;
    }
    if (count === 0) return text ? [[text.slice(0, 200), false]] : [];
    const from = Math.max(0, Math.min(first < 0 ? 0 : first - 8, count - EXCERPT_WORDS));
    const to = Math.min(count, from + EXCERPT_WORDS);
    const start = from === 0 ? 0 : offsets[2 * from];
    const end = to === count ? text.length : offsets[2 * to - 1];
    const runs = from === 0 ? [] : [["… ", false]];
    let at = start;
    for (let w = from; w < to; w += 1) {
      const s = offsets[2 * w], e = offsets[2 * w + 1];
      if (!marked[w]) continue;
      if (s > at) runs.push([text.slice(at, s), false]);
      runs.push([text.slice(s, e), true]);
      at = e;
    }
    if (end > at) runs.push([text.slice(at, end), false]);
    if (to < count) runs.push([" …", false]);
    return runs;
  }

  // --- the page ------------------------------------------------------------------------------
  const EXCERPTS_AT_ONCE = 20;
  const RESULTS_AT_ONCE = 50;  // a common word may be on every page: the list grows on request

  function element(name, attributes, text) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null && value !== "") node.setAttribute(key, value);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Only links the site itself could have written: http(s) addresses, site paths.
  function safeUrl(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      const parsed = new URL(url, document.baseURI);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : null;
    } catch (error) {
      return null;
    }
  }

  const DIGITS = "0123456789";

  // The interface strings the template gives (<template id="search-strings">): key → {text, lang}.
  function readStrings(pageLang) {
    const strings = new Map(), names = new Map();
    const holder = document.getElementById("search-strings");
    if (!holder) return { strings: strings, names: names, digits: DIGITS };
    for (const node of holder.content.querySelectorAll("[data-key]")) {
      strings.set(node.dataset.key, { text: node.textContent, lang: node.getAttribute("lang") || pageLang });
    }
    for (const node of holder.content.querySelectorAll("[data-lang]")) {
      names.set(node.dataset.lang, node.textContent);
    }
    return { strings: strings, names: names, digits: holder.dataset.digits || DIGITS };
  }

  function page(script) {
    const lang = document.documentElement.lang || "";
    const indexUrl = new URL(script.dataset.index, document.baseURI);
    const load = (path) => {
      const url = path.startsWith("/") ? new URL(path, document.baseURI) : new URL(path, indexUrl);
      return fetch(url).then((response) => {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
    };
    const search = engine(load, lang);
    const ui = readStrings(lang);
    const form = document.getElementById("search-form");
    const input = form && form.querySelector("input[name=q]");
    const status = document.getElementById("search-status");
    const list = document.getElementById("search-results");
    let generation = 0;
    let more = null;  // the "more results" button, while there are more

    const localNumber = (n) => String(n).replace(/[0-9]/g, (d) => ui.digits[+d] || d);

    function say(key, values) {
      const shown = ui.strings.get(key);
      if (!status) return;
      if (!shown) { status.textContent = ""; status.removeAttribute("lang"); return; }
      let text = shown.text;
      for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(value);
      status.textContent = text;
      if (shown.lang && shown.lang !== lang) status.setAttribute("lang", shown.lang); else status.removeAttribute("lang");
    }

    // "3 results": the plural and the digits of the language the string is in (the page's, or
    // the templates' own when the catalog has no translation of it).
    function counted(n) {
      const shownIn = (ui.strings.get("found-other") || {}).lang || lang;
      let category = "other";
      try { category = new Intl.PluralRules(shownIn).select(n); } catch (error) { /* unknown locale */ }
      const key = ui.strings.has("found-" + category) ? "found-" + category : "found-other";
      say(key, { count: shownIn === lang ? localNumber(n) : String(n) });
    }

    function pairLinks(pairs) {
      const holder = element("p", { class: "result-pairs" });
      for (const pair of pairs || []) {
        const href = safeUrl(pair.url);
        if (!href) continue;
        holder.append(element("a", { href: href, hreflang: pair.lang, lang: pair.lang, title: pair.title },
          ui.names.get(pair.lang) || pair.lang));
      }
      return holder.childNodes.length ? holder : null;
    }

    function fillExcerpt(holder, record, found, mine) {
      const path = typeof record.text === "string" && record.text.startsWith("/") ? record.text : null;
      if (!path) return;
      search.text(path).then((body) => {
        if (mine !== generation) return;
        for (const [text, isMarked] of excerpt(body, found.equal, found.within)) {
          holder.append(isMarked ? element("mark", {}, text) : document.createTextNode(text));
        }
      }, () => {});
    }

    function resultItem(record, found, mine) {
      const item = element("li", { class: "result" });
      const other = record.lang && record.lang !== lang ? record.lang : null;
      const title = element("a", { href: safeUrl(record.url), lang: other }, record.title || record.url);
      const heading = element("h2", { class: "result-title" });
      heading.append(title);
      item.append(heading);
      if (record.date) {
        const date = element("p", { class: "result-date" });
        date.append(element("time", { datetime: record.date }, record.shown_date || record.date));
        item.append(date);
      }
      const body = element("p", { class: "result-excerpt", lang: other });
      item.append(body);
      const pairs = pairLinks(record.pairs);
      if (pairs) item.append(pairs);
      return { item: item, excerpt: () => fillExcerpt(body, record, found, mine) };
    }

    function excerptsWhenSeen(items) {
      const now = items.slice(0, EXCERPTS_AT_ONCE), later = items.slice(EXCERPTS_AT_ONCE);
      now.forEach((r) => r.excerpt());
      if (typeof IntersectionObserver !== "function") { later.forEach((r) => r.excerpt()); return; }
      const pending = new Map(later.map((r) => [r.item, r]));
      const watcher = new IntersectionObserver((entries) => {
        for (const seen of entries) {
          if (!seen.isIntersecting || !pending.has(seen.target)) continue;
          pending.get(seen.target).excerpt();
          pending.delete(seen.target);
          watcher.unobserve(seen.target);
        }
      }, { rootMargin: "400px" });
      later.forEach((r) => watcher.observe(r.item));
    }

    // The results `from`…`from + RESULTS_AT_ONCE` (only their records are loaded), then a button
    // for the next ones when there are more.
    async function showFrom(found, from, mine) {
      const hits = found.ranked.slice(from, from + RESULTS_AT_ONCE);
      const records = await Promise.all(hits.map((hit) => search.record(hit.page)));
      if (mine !== generation) return;
      const items = records.filter(Boolean).map((record) => resultItem(record, found, mine));
      list.append(...items.map((r) => r.item));
      excerptsWhenSeen(items);
      const rest = found.ranked.length - from - hits.length;
      if (rest <= 0) return;
      const shown = ui.strings.get("more") || { text: "…" };
      const button = element("button", { type: "button", class: "search-more",
                                         lang: shown.lang !== lang ? shown.lang : null }, shown.text);
      button.addEventListener("click", () => {
        button.remove();
        showFrom(found, from + RESULTS_AT_ONCE, mine);
      });
      list.after(button);
      more = button;
    }

    async function run(query) {
      const mine = ++generation;
      list.replaceChildren();
      if (more) { more.remove(); more = null; }
      list.setAttribute("aria-busy", "true");  // "false" once this search has shown what it found
      try {
        await show(query, mine);
      } finally {
        if (mine === generation) list.setAttribute("aria-busy", "false");
      }
    }

    async function show(query, mine) {
      if (!query.trim()) { say(null); return; }
      say("searching");
      try {
        const found = await search.match(query);
        if (mine !== generation) return;
        if (found.ranked.length === 0) { say("none", { query: query.trim() }); return; }
        counted(found.ranked.length);
        await showFrom(found, 0, mine);
      } catch (error) {
        if (mine === generation) say("failed");
      }
    }

    const query = new URLSearchParams(location.search).get("q") || "";
    if (input) input.value = query;
    if (form && input) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const asked = input.value;
        const url = new URL(location.href);
        url.searchParams.set("q", asked);
        history.replaceState(null, "", url);
        run(asked);
      });
    }
    run(query);
    return search;
  }

  const api = { repair: repair, fold: fold, wordTerms: wordTerms, queryTerms: queryTerms, clusterEnds: clusterEnds, engine: engine, excerpt: excerpt };

  if (typeof module === "object" && module && module.exports) module.exports = api;
  if (typeof document === "object" && document) {
    const script = document.currentScript || document.querySelector("script[data-index]");
    if (script && script.dataset.index) {
      const search = page(script);
      window.siteSearch = { repair: repair, fold: fold, terms: (q) => queryTerms(q, document.documentElement.lang), search: search.search };
    }
  }
})();
