// Drive a zkdev chain with ethers v6 (strict response parsing). Usage: node ethers_client.mjs URL
import { ethers } from "ethers";

const url = process.argv[2];
const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
const wallet = new ethers.Wallet("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", provider);
const out = {};
out.chainId = Number((await provider.getNetwork()).chainId);
out.balance = (await provider.getBalance(wallet.address)).toString();
// Runtime: emit LOG1(topic 0x2a), return 0x07; deployed through initcode that copies it.
const runtime = "602a60006000a1600760005260206000f3";
const initcode = "0x" + "60" + (runtime.length / 2).toString(16).padStart(2, "0") + "600c60003960" + (runtime.length / 2).toString(16).padStart(2, "0") + "6000f3" + runtime;
const deploy = await wallet.sendTransaction({ data: initcode });
const deployed = await deploy.wait();
out.contract = deployed.contractAddress;
const tx = await wallet.sendTransaction({ to: deployed.contractAddress, value: 0n });
const receipt = await tx.wait();
out.status = receipt.status;
out.logs = receipt.logs.length;
out.call = await provider.call({ to: deployed.contractAddress });
const block = await provider.getBlock("latest", true);
out.blockTxs = block.prefetchedTransactions.length;
const fetched = await provider.getTransaction(tx.hash);
out.txType = fetched.type;
const logs = await provider.getLogs({ fromBlock: 0, topics: [ethers.zeroPadValue("0x2a", 32)] });
out.filteredLogs = logs.length;
const fee = await provider.getFeeData();
out.hasFee = fee.maxFeePerGas !== null;
try {
  await provider.call({ to: "0x3333333333333333333333333333333333333333" });
  out.revert = "none";
} catch (e) {
  out.revert = e.data ?? e.info?.error?.data ?? String(e);
}
console.log(JSON.stringify(out));
