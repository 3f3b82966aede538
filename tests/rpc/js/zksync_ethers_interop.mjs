// zksync-ethers 6.21.1's InteropClient, unchanged, verifies an interop message sent with plain ethers.
// Usage: node zksync_ethers_interop.mjs SRC_URL DST_URL GW_URL GW_CHAIN_ID
// Prints one JSON line: what each InteropClient call returned (and the errors it threw where they are expected).
import { ethers } from "ethers";
import { InteropClient, Provider } from "zksync-ethers";

const [srcUrl, dstUrl, gwUrl, gwChainId] = process.argv.slice(2);
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const MESSENGER = "0x0000000000000000000000000000000000008008";
const VERIFIER = "0x0000000000000000000000000000000000010009";
const VERIFY_ABI = [
  "function proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16 txNumberInBatch,address sender,bytes data),bytes32[]) view returns (bool)",
];

// Plain ethers sends (type 2): zkdev does not take EIP-712 (0x71) transactions, so InteropClient.sendMessage is not used.
const plainSrc = new ethers.JsonRpcProvider(srcUrl, undefined, { staticNetwork: true });
const wallet = new ethers.Wallet(KEY, plainSrc);
const messenger = new ethers.Contract(MESSENGER, ["function sendToL1(bytes) returns (bytes32)"], wallet);

// The SDK's own providers: zks_* methods and zksync-ethers' strict receipt formatter.
const src = new Provider(srcUrl);
const dst = new Provider(dstUrl);
const client = new InteropClient({ gateway: { env: "local", gwRpcUrl: gwUrl, gwChainId: BigInt(gwChainId) } });

const json = (value) => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
const out = {};
const payload = ethers.toUtf8Bytes("hello from zksync-ethers");
const sent = await (await messenger.sendToL1(payload)).wait();
out.sendStatus = sent.status;
out.txType = (await plainSrc.getTransaction(sent.hash)).type;
out.phase = await client.getMessageStatus(src, sent.hash);
const args = await client.getVerificationArgs({ txHash: sent.hash, srcProvider: src, targetChain: dst, includeProofInputs: true, timeoutMs: 20_000 });
out.args = json(args);
out.payload = ethers.hexlify(payload);
out.sender = wallet.address;
const verified = await client.verifyMessage({ txHash: sent.hash, srcProvider: src, targetChain: dst, includeProofInputs: true, timeoutMs: 20_000 });
out.verified = json(verified);

// The verifier says false for a message that was not sent (same proof, other bytes).
const verifier = new ethers.Contract(VERIFIER, VERIFY_ABI, dst);
const forged = { ...args.msgData, data: ethers.hexlify(ethers.toUtf8Bytes("forged")) };
out.forgedAccepted = await verifier.proveL2MessageInclusionShared(args.srcChainId, args.l1BatchNumber, args.l2MessageIndex, forged, args.gatewayProof);

// Unknown transaction: the status is UNKNOWN (zks_getTransactionDetails answers null).
out.unknownPhase = json(await client.getMessageStatus(src, ethers.keccak256(ethers.toUtf8Bytes("no such tx"))));

// Relay paused: the batch is not executed, so the SDK refuses to build verification args.
await plainSrc.send("zkdev_pauseRelay", []);
try {
  const held = await (await messenger.sendToL1(payload)).wait();
  out.pausedPhase = await client.getMessageStatus(src, held.hash);
  try {
    await client.getVerificationArgs({ txHash: held.hash, srcProvider: src, targetChain: dst, timeoutMs: 5_000 });
    out.pausedError = null;
  } catch (e) {
    out.pausedError = String(e.message ?? e);
  }
  await plainSrc.send("zkdev_resumeRelay", []);
  out.resumedPhase = await client.getMessageStatus(src, held.hash);
  const resumed = await client.verifyMessage({ txHash: held.hash, srcProvider: src, targetChain: dst, timeoutMs: 20_000 });
  out.resumedVerified = resumed.verified;
} finally {
  await plainSrc.send("zkdev_resumeRelay", []);
}
console.log(JSON.stringify(out));
