"""Chinese search: jieba tokens for index and query, synonym expansion, and the two database backends.

See docs/adr/0003-chinese-search.md. Documents are stored as space-separated jieba search-mode tokens in
three weights (name, keywords, body). A query becomes a small tree: AND over word groups, each group an
OR of alternatives (the word, its sub-words, its synonyms), each alternative an AND of tokens. The tree
is rendered to a PostgreSQL tsquery or an SQLite FTS5 MATCH expression; tokens are restricted to word
characters before rendering, so no user text reaches either query language unquoted.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

MAX_QUERY_CHARS = 64
MAX_GROUPS = 8
_WORD = re.compile(r"^\w+$")

# Words that carry no meaning in a request ("我想办…怎么申请") and single characters that match everything.
_STOPWORDS_TEXT = (
    "我 想 要 的 了 在 去 到 和 与 及 或 是 有 能 会 吗 呢 吧 啊 呀 请 请问 怎么 "
    "怎样 如何 哪里 哪儿 什么 需要 可以 一下 办 办理 申请 手续 流程 办事 怎么办 在哪 "
    "哪个 个 给 为 对 把 被 就 都 也 还 又 这 那 些 the a an of to for "
    "and or in on how i want "
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Common traditional characters seen in service-item queries, mapped to simplified (a small table,
# not a converter: enough for 戶口登記, 營業執照, 結婚證, 醫療保險…).
_TRAD = (
    "戶户 證证 記记 營营 業业 執执 醫医 學学 書书 辦办 險险 療疗 養养 駕驾 駛驶 車车 輛辆 護护 稅税 務务 經经 "
    "濟济 貿贸 開开 設设 個个 體体 產产 權权 樓楼 職职 資资 質质 許许 類类 災灾 難难 殘残 補补 貼贴 獎奖 勵励 "
    "價价 錢钱 銀银 號号 碼码 簽签 發发 藥药 衛卫 環环 園园 國国 際际 館馆 電电 話话 郵邮 遞递 農农 漁渔 運运 "
    "輸输 網网 絡络 線线 處处 罰罚 歷历 檢检 驗验 測测 試试 認认 遷迁 轉转 續续 變变 註注 銷销 報报 領领 畢毕 "
    "勞劳 動动 門门 診诊 費费 結结 離离 兒儿 嬰婴 親亲 屬属 喪丧 殯殡 儀仪 軍军 僑侨 臺台 灣湾 會会 議议 團团 "
    "組组 織织 協协 們们 為为 與与 這这 個个 來来 時时 對对 應应 關关 區区 縣县 鄉乡 鎮镇 廣广 東东 單单 據据 "
    "務务 響响 問问 題题 無无 優优 準准 備备 齡龄 孫孙 爺爷 媽妈 婦妇 險险 銷销 戶户 冊册 "
    "換换 補补 證证 遺遗 殘残 級级 幫帮 貧贫 額额 稱称 認认 產产 權权 購购 買买 賣卖 "
    "貸贷 積积 養养 歲岁 齊齐 車车 證证 駕驾 導导 遊游 戲戏 劇剧 藝艺 術术 視视 聽听 廠厂 礦矿 燈灯"
)
TRADITIONAL_TO_SIMPLIFIED = str.maketrans({pair[0]: pair[1] for pair in _TRAD.split()})


def normalise(text: str, *, limit: int | None = MAX_QUERY_CHARS) -> str:
    """NFKC (full-width to half-width), traditional to simplified, control characters dropped, truncated."""
    if limit is not None:
        text = text[: limit * 4]  # cheap bound before the heavier steps; 10 kB inputs stop here
    text = unicodedata.normalize("NFKC", text).translate(TRADITIONAL_TO_SIMPLIFIED)
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in text)
    text = " ".join(text.split())
    return text[:limit] if limit is not None else text


def _is_token(token: str) -> bool:
    return bool(_WORD.match(token)) and not token.isspace()


def index_tokens(text: str) -> list[str]:
    """Search-mode jieba tokens of a document text, lower-cased, word characters only."""
    text = normalise(text, limit=None).lower()
    return [t for t in jieba.cut_for_search(text) if _is_token(t)]


def index_text(parts: Iterable[str]) -> str:
    return " ".join(t for part in parts if part for t in index_tokens(part))


@lru_cache(maxsize=4096)
def _sub_tokens(word: str) -> tuple[str, ...]:
    """The smallest dictionary words inside a word (出生证明 → 出生, 证明) for looser matching."""
    subs = {t for t in jieba.cut_for_search(word) if t != word and len(t) >= 2 and _is_token(t)}
    minimal = [t for t in subs if not any(o != t and o in t for o in subs)]
    return tuple(sorted(minimal, key=word.find))


# A query tree: groups (AND) of alternatives (OR) of token lists (AND).
Alternative = tuple[str, ...]
Group = tuple[Alternative, ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the normalised query
    groups: tuple[Group, ...]
    highlight: tuple[str, ...]  # words to mark in results (query words and their synonyms)

    @property
    def empty(self) -> bool:
        return not self.groups


def _group_for_word(word: str) -> tuple[Group, list[str]]:
    alternatives: list[Alternative] = [(word,)]
    subs = _sub_tokens(word)
    if len(subs) >= 2:
        alternatives.append(subs)
    return tuple(alternatives), [word]


def _alternative(phrase: str) -> Alternative:
    tokens = [t for t in jieba.lcut(normalise(phrase).lower()) if _is_token(t)]
    return tuple(tokens)


def parse_query(q: str, *, synonyms: dict[str, list[str]]) -> ParsedQuery:
    """Turn what a person typed into a query tree. Never raises; may return an empty query."""
    text = normalise(q or "").lower()
    groups: list[Group] = []
    highlight: list[str] = []
    words = jieba.lcut(text)
    bounds = {0}
    for w in words:
        bounds.add(max(bounds) + len(w))
    # Everyday phrases first (上户口, 生孩子, 营业执照): they may span several jieba words, but must
    # start and end on word boundaries (出生证 is not a phrase inside 出生证明).
    taken: list[tuple[int, int]] = []
    for term in sorted(synonyms, key=len, reverse=True):
        start = text.find(term) if term else -1
        while start >= 0:
            end = start + len(term)
            if start in bounds and end in bounds and not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                alts = [a for a in (_alternative(term), *(_alternative(e) for e in synonyms[term])) if a]
                if alts:
                    groups.append(tuple(dict.fromkeys(alts)))
                    highlight.extend([term, *synonyms[term]])
                break
            start = text.find(term, start + 1)
    rest = "".join(" " if any(s <= i < e for s, e in taken) else ch for i, ch in enumerate(text))
    for word in jieba.lcut(rest):
        word = word.strip()
        if not _is_token(word) or word in STOPWORDS:
            continue
        group, marks = _group_for_word(word)
        if group not in groups:
            groups.append(group)
            highlight.extend(marks)
    return ParsedQuery(text=text, groups=tuple(groups[:MAX_GROUPS]), highlight=tuple(dict.fromkeys(highlight)))


# --- rendering -------------------------------------------------------------------------------


def _pg_token(token: str, weight: str) -> str:
    # Tokens are \w+ only, so they cannot contain a quote; quoting makes them lexemes, not operators.
    return f"'{token}'{':' + weight if weight else ''}"


def to_tsquery(groups: Iterable[Group], *, any_group: bool = False, weight: str = "") -> str:
    def alt(a: Alternative) -> str:
        return "(" + " & ".join(_pg_token(t, weight) for t in a) + ")"

    rendered = ["(" + " | ".join(alt(a) for a in g) + ")" for g in groups]
    return (" | " if any_group else " & ").join(rendered)


def _fts_token(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def to_fts5(groups: Iterable[Group], *, any_group: bool = False, column: str = "") -> str:
    def alt(a: Alternative) -> str:
        return "(" + " AND ".join(_fts_token(t) for t in a) + ")"

    rendered = ["(" + " OR ".join(alt(a) for a in g) + ")" for g in groups]
    expr = (" OR " if any_group else " AND ").join(rendered)
    return f"{{{column}}} : ({expr})" if column else expr


def highlight_spans(text: str, words: Iterable[str]) -> list[tuple[str, bool]]:
    """Split text into (part, is_match) pieces for the given words; the caller escapes each part."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not text or not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            pieces.append((text[pos : m.start()], False))
        pieces.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces
