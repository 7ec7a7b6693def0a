// The user's side of a generation, in the browser: the same verbs as the Python client (zkaigc/client.py).
//   makeCommitment  keccak256(abi.encode(prompt, claimant, salt))          make_commitment
//   claim           commit, let the commitment age, reveal                  claim_prompt
//   request         pay for a generation into escrow, up to a max price     request_generation
//   watch           follow a request until it is fulfilled or refunded      (ape run request's wait)
// The request statuses come from the API (/api/enums: zkaigc.enums, tested against the Solidity sources), never
// written here. The pages own what they show; these functions report progress through callbacks.
import { chainNow, ethers, short } from "./common.js";

/** keccak256(abi.encode(prompt, claimant, salt)), as ERC7007Claimable.makeCommitment (and zkaigc.client.make_commitment)
 *  computes it: computed here, in the browser, so the prompt stays private until the reveal. */
export function makeCommitment(prompt, claimant, salt) {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes", "address", "bytes32"], [prompt, claimant, salt]));
}

/** Commit, let the commitment age, reveal: `account` holds the claim on `prompt` on `collection` (an ethers contract
 *  with a signer). A live claim of `account` is kept as is; a commitment already made with `salt` is reused, else a
 *  new salt is drawn and given to `onSalt` before the commit is sent (so a reload can reveal it). `onStep(name, state,
 *  text)` hears the steps "committed", "claimable", "claimed"; `fastForward` moves a dev chain's clock instead of
 *  waiting. */
export async function claim(ctx, collection, prompt, account, { salt, onSalt = () => {}, fastForward = false, onStep = () => {} } = {}) {
  const [claimant, expiresAt] = await collection.claimOf(prompt);
  const holdsClaim = claimant.toLowerCase() === account.toLowerCase() && Number(expiresAt) > (await chainNow(ctx));
  if (!holdsClaim) {
    let committedAt = salt ? Number(await collection.commitmentTimestamp(makeCommitment(prompt, account, salt))) : 0;
    if (!committedAt) {
      salt = ethers.hexlify(ethers.randomBytes(32));
      onSalt(salt);
      onStep("committed", "active", "committing…");
      const receipt = await (await collection.commit(makeCommitment(prompt, account, salt))).wait();
      committedAt = (await ctx.provider.getBlock(receipt.blockNumber)).timestamp;
    }
    onStep("committed", "done", `committed (block time ${committedAt})`);

    // Wait until the commitment may be revealed.
    const revealAt = committedAt + Number(await collection.MIN_COMMITMENT_AGE());
    onStep("claimable", "active");
    for (;;) {
      const remaining = revealAt - (await chainNow(ctx));
      if (remaining <= 0) break;
      onStep("claimable", "active", `claimable in ${remaining} s`);
      if (ctx.config.dev && fastForward) {
        await ctx.provider.send("evm_increaseTime", [remaining]);
        await ctx.provider.send("evm_mine", []);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    if (ctx.config.dev) await ctx.provider.send("evm_mine", []); // a block at the current time for the estimate
    onStep("claimable", "done", "claimable");

    // Reveal: the claim goes to the committed account, whoever sends it.
    onStep("claimed", "active", "claiming…");
    await (await collection.claim(prompt, account, salt)).wait();
  }
  onStep("committed", "done");
  onStep("claimable", "done");
  onStep("claimed", "done", `claimed by ${short(account)}`);
}

/** Pay for a generation of `prompt` into escrow on `market` (an ethers contract with a signer), at most `maxPrice`
 *  wei (the marketplace charges the price at the block and returns the excess; it reverts past the max price). The
 *  requester must hold the prompt's claim. Returns {requestId, price, deadline}. */
export async function request(market, collection, prompt, maxPrice, deadline) {
  const receipt = await (await market.requestGeneration(collection, prompt, maxPrice, deadline, { value: maxPrice })).wait();
  const requested = receipt.logs.map((log) => market.interface.parseLog(log)).find((log) => log?.name === "Requested");
  return { requestId: requested.args.requestId, price: requested.args.price, deadline };
}

/** The request's status names as bigints (ethers reads an enum as a bigint), from the API's enums. */
export function requestStatus(ctx) {
  return ctx.enums.RequestStatus;
}

/** Follow request `requestId` on `market` (a read-only ethers contract) until it is fulfilled or refunded; returns
 *  "fulfilled" or "refunded". `onWait(request)` runs on every pass while it is pending; `every` ms between passes. */
export async function watch(ctx, market, requestId, { onWait = async () => {}, every = 700 } = {}) {
  const { FULFILLED, REFUNDED } = requestStatus(ctx);
  for (;;) {
    const current = await market.getRequest(requestId);
    if (current.status === FULFILLED) return "fulfilled";
    if (current.status === REFUNDED) return "refunded";
    await onWait(current);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
