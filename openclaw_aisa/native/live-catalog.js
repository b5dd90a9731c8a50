// The live model list of an OpenAI-compatible gateway (GET <baseUrl>/models), with a small disk cache.
// Plain ESM, no dependencies. This module does the network call and never reads the environment: the
// caller (index.js) resolves the key and passes it with the bounds, so asking for a list and finding a
// key stay apart. The cache file holds the base URL, ids and times: never the key.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const CHAT_ENDPOINT_TYPES = /^(openai|anthropic|gemini)/i;
const NON_CHAT_ID = /(embed|rerank|image|video|tts|t2v|i2v|t2i|wanx|whisper|asr|speech|moderation)/i;

function isRecord(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

function trimBaseUrl(url) {
  return String(url ?? "").trim().replace(/\/+$/, "");
}

// The family rule (plugin.toml's, in live-catalog.json) for a served id: the first whose prefix
// matches, else the one without prefixes.
export function familyOf(families, id) {
  const lowered = id.toLowerCase();
  return families.find((f) => f.prefixes.some((prefix) => lowered.startsWith(prefix))) ?? families.find((f) => f.prefixes.length === 0);
}

// The model entry OpenClaw gets for an id no catalogue row describes: exactly what `openclaw-aisa models add` writes.
export function familyEntry(families, id) {
  const { name: _name, prefixes: _prefixes, chat: _chat, ...figures } = familyOf(families, id);
  return { id, name: id, ...figures };
}

// An id whose name says nothing of images, video, speech, embeddings or reranking.
export function likelyChat(id) {
  return !NON_CHAT_ID.test(id);
}

// A chat model: the gateway lists a chat route for it (when it says), and its id is not another kind's.
function isChatModel(entry) {
  if (!isRecord(entry) || typeof entry.id !== "string" || entry.id.trim() === "" || !likelyChat(entry.id)) return false;
  const types = entry.supported_endpoint_types;
  return !Array.isArray(types) || types.length === 0 || types.some((type) => CHAT_ENDPOINT_TYPES.test(String(type)));
}

// {baseUrl, fetchedAt, ids} after a success; {baseUrl, failedAt, ids?, fetchedAt?} after a failure.
function readCache(cacheFile) {
  try {
    const data = JSON.parse(readFileSync(cacheFile, "utf8"));
    return isRecord(data) ? data : null;
  } catch {
    return null;
  }
}

function writeCache(cacheFile, data) {
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data)}\n`, { mode: 0o600 });
    renameSync(tmp, cacheFile);
  } catch {}
}

const memory = new Map(); // cacheFile -> entry: one process reads the file once

function cached(cacheFile, baseUrl) {
  const entry = memory.get(cacheFile) ?? readCache(cacheFile);
  return entry?.baseUrl === trimBaseUrl(baseUrl) && (entry.ids === undefined || Array.isArray(entry.ids)) ? entry : null;
}

// The last list seen for this base URL (fresh or stale), else null. No request.
export function readServedIds({ cacheFile, baseUrl }) {
  return cached(cacheFile, baseUrl)?.ids ?? null;
}

export function isFresh({ cacheFile, baseUrl, ttlMs }) {
  const entry = cached(cacheFile, baseUrl);
  const age = Date.now() - (entry?.fetchedAt ?? 0);
  return Array.isArray(entry?.ids) && age >= 0 && age < ttlMs;
}

// The served chat ids and where they came from ("cache", "live", "stale" or null). A fresh cache answers
// without a request; a failure (timeout, refused, 401, a body that is not a model list) keeps the last
// list, and no new attempt is made for `retryMs`. No call waits longer than `timeoutMs`.
export async function loadServedIds({ baseUrl, apiKey, cacheFile, timeoutMs, ttlMs, retryMs }) {
  const url = trimBaseUrl(baseUrl);
  const now = Date.now();
  const entry = cached(cacheFile, url);
  const ids = entry?.ids ?? null;
  if (isFresh({ cacheFile, baseUrl: url, ttlMs })) return { ids, source: "cache" };
  const failedAgo = now - (entry?.failedAt ?? 0);
  if (!apiKey || (entry?.failedAt && failedAgo >= 0 && failedAgo < retryMs)) return { ids, source: ids ? "stale" : null };
  try {
    const response = await fetch(`${url}/models`, {
      headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    const served = [...new Set((Array.isArray(body?.data) ? body.data : []).filter(isChatModel).map((model) => model.id.trim()))];
    if (served.length === 0) throw new Error("no chat models");
    const fresh = { baseUrl: url, fetchedAt: now, ids: served };
    memory.set(cacheFile, fresh);
    writeCache(cacheFile, fresh);
    return { ids: served, source: "live" };
  } catch {
    const failed = { ...(ids ? { ids, fetchedAt: entry.fetchedAt } : {}), baseUrl: url, failedAt: now };
    memory.set(cacheFile, failed);
    writeCache(cacheFile, failed);
    return { ids, source: ids ? "stale" : null };
  }
}
