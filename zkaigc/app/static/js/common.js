// Shared by the three pages: the API, the chain (ethers 6, vendored from npm), signing, and errors in words.
import * as ethers from "../vendor/ethers.min.js";

export { ethers };

/** GET/POST JSON from the app's API; throws an Error carrying the API's {code, message}. */
export async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body?.error?.message || `${response.status} ${response.statusText}`);
    error.code = body?.error?.code;
    error.status = response.status;
    throw error;
  }
  return body;
}

let configPromise;
/** The deployment the app serves (/api/config) and the contracts' ABIs and error notices (/api/contracts). */
export function loadConfig() {
  configPromise ??= Promise.all([api("/api/config"), api("/api/contracts")]).then(([config, contracts]) => {
    const rpc = new URL(config.rpc || "/rpc", location.href).href;
    const provider = new ethers.JsonRpcProvider(rpc, config.chainId, { staticNetwork: true, batchMaxCount: 1 });
    provider.pollingInterval = 500;
    const errors = new ethers.Interface(
      Object.values(contracts).flatMap((c) => c.abi.filter((item) => item.type === "error")),
    );
    const notices = Object.assign({}, ...Object.values(contracts).map((c) => c.errors));
    return { config, contracts, provider, errors, notices };
  });
  return configPromise;
}

/** A contract bound to a runner (a provider for reads, a signer for transactions). */
/** A page's start: the app's config, the model picker filled (and preselected from `?model=`), and the query.
 *  Returns null (after saying why in #status) if the app cannot be reached. */
export async function startPage() {
  let ctx;
  try {
    ctx = await loadConfig();
  } catch (error) {
    status(document.getElementById("status"), `cannot reach the app: ${error.message}`, "error");
    return null;
  }
  const params = new URLSearchParams(location.search);
  const picker = document.getElementById("model");
  for (const name of Object.keys(ctx.config.models)) picker.append(new Option(name, name));
  if (params.get("model")) picker.value = params.get("model");
  return { ctx, params };
}

export function contract(ctx, name, address, runner) {
  return new ethers.Contract(address, ctx.contracts[name].abi, runner || ctx.provider);
}

/** The signer for `choice`: "wallet" (window.ethereum, EIP-1193) or an unlocked account's address. */
export async function signerFor(ctx, choice) {
  if (choice === "wallet") {
    if (!window.ethereum) throw new Error("no browser wallet (window.ethereum) found");
    const browser = new ethers.BrowserProvider(window.ethereum);
    const network = await browser.getNetwork();
    if (Number(network.chainId) !== Number(ctx.config.chainId)) {
      throw new Error(`the wallet is on chain ${network.chainId}; switch it to chain ${ctx.config.chainId}`);
    }
    return browser.getSigner();
  }
  // A local development chain: the node holds the key and signs (eth_sendTransaction from an unlocked account).
  return new ethers.JsonRpcSigner(ctx.provider, choice);
}

/** Fill an account <select>: the node's unlocked accounts (dev chains) and the browser wallet if there is one. */
export function fillAccounts(ctx, select) {
  select.replaceChildren();
  const accounts = ctx.config.accounts || [];
  accounts.forEach((account, i) => {
    const label = `#${i} ${short(account.address)}${account.role ? ` (${account.role})` : ""}`;
    select.append(new Option(label, account.address));
  });
  if (window.ethereum) select.append(new Option("browser wallet (window.ethereum)", "wallet"));
  const user = accounts.find((a) => !a.role);
  if (user) select.value = user.address;
  else if (window.ethereum) select.value = "wallet";
}

/** The revert data inside an ethers error, if any. */
function revertData(error) {
  const candidates = [error?.data, error?.info?.error?.data, error?.error?.data, error?.info?.error?.data?.data];
  return candidates.find((d) => typeof d === "string" && d.startsWith("0x") && d.length >= 10);
}

/** An error in words: a contract's custom error decoded with the ABI and explained by its NatSpec notice. */
export function describeError(ctx, error) {
  const data = revertData(error);
  if (data && ctx) {
    try {
      const parsed = ctx.errors.parseError(data);
      if (parsed) {
        const names = parsed.fragment.inputs.map((input) => input.name);
        let notice = ctx.notices[parsed.signature] || "";
        names.forEach((name, i) => {
          notice = notice.replaceAll("`" + name + "`", `${name} (${formatArg(parsed.args[i])})`);
        });
        if (!notice) notice = `reverted with ${names.map((n, i) => `${n} = ${formatArg(parsed.args[i])}`).join(", ")}`;
        return `${parsed.name}: ${notice.replaceAll("`", "")}`;
      }
    } catch {
      // not one of our contracts' errors: fall through
    }
  }
  return error?.shortMessage || error?.reason || error?.message || String(error);
}

function formatArg(value) {
  if (typeof value === "bigint") return value > 10n ** 15n ? "0x" + value.toString(16) : value.toString();
  return String(value);
}

export function short(hex, keep = 6) {
  if (!hex) return "";
  return hex.length > 2 * keep + 4 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex;
}

export function eth(wei) {
  return wei === null || wei === undefined ? "not listed" : `${ethers.formatEther(BigInt(wei))} ETH`;
}

/** tokenURI (base64 JSON, from the chain) -> its metadata object. */
export function decodeTokenUri(uri) {
  const prefix = "data:application/json;base64,";
  if (!uri.startsWith(prefix)) throw new Error("tokenURI is not base64 JSON");
  const bytes = ethers.decodeBase64(uri.slice(prefix.length));
  return JSON.parse(ethers.toUtf8String(bytes));
}

/** Build an element: el("div", {class: "card"}, child, "text"). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Show a message in the page's status line (kind: "info" | "error" | "ok"). */
export function status(target, message, kind = "info") {
  target.textContent = message;
  target.dataset.kind = kind;
}

/** The current chain time: the later of the latest block's timestamp and the wall clock (anvil mines on demand). */
export async function chainNow(ctx) {
  const block = await ctx.provider.getBlock("latest");
  return Math.max(Number(block.timestamp), Math.floor(Date.now() / 1000));
}
