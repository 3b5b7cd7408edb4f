#!/usr/bin/env python3
"""Builds samples/: small, realistic AI release assets, deterministic (fixed seed), with
nothing downloaded. Python standard library only. Run from the repository root:

    python3 scripts/make-samples.py

Writes a tiny safetensors model with config, tokenizer files and a model card; two PEFT LoRA
adapters; JSONL datasets (1.0 and 1.1); a system prompt; a FAISS flat index with a LlamaIndex
docstore. The files follow the real formats (safetensors header layout, FAISS IndexFlat
serialization, PEFT adapter_config.json), so aibom and the reference tools read them as they
would real ones.
"""
import json
import os
import random
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
rng = random.Random(20261122)


def write(path, data):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def floats(n):
    return struct.pack("<%df" % n, *[rng.gauss(0, 0.02) for _ in range(n)])


def bf16(n):
    # bfloat16: the top 16 bits of a float32
    return b"".join(struct.pack("<f", rng.gauss(0, 0.02))[2:] for _ in range(n))


def safetensors(tensors, metadata):
    """tensors: list of (name, dtype, shape, bytes). Header sorted by name like the reference."""
    header, data, offset = {}, b"", 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    h += b" " * ((8 - len(h) % 8) % 8)  # the reference pads the header to 8 bytes with spaces
    return struct.pack("<Q", len(h)) + h + data


VOCAB, DIM, LAYERS, FF = 256, 64, 2, 128


def model_tensors():
    t = [("model.embed_tokens.weight", "BF16", [VOCAB, DIM], bf16(VOCAB * DIM))]
    for i in range(LAYERS):
        p = "model.layers.%d." % i
        for proj in ("q_proj", "k_proj", "v_proj", "o_proj"):
            t.append((p + "self_attn.%s.weight" % proj, "BF16", [DIM, DIM], bf16(DIM * DIM)))
        t.append((p + "mlp.up_proj.weight", "BF16", [FF, DIM], bf16(FF * DIM)))
        t.append((p + "mlp.down_proj.weight", "BF16", [DIM, FF], bf16(DIM * FF)))
        t.append((p + "input_layernorm.weight", "F32", [DIM], floats(DIM)))
    t.append(("model.norm.weight", "F32", [DIM], floats(DIM)))
    t.append(("lm_head.weight", "BF16", [VOCAB, DIM], bf16(VOCAB * DIM)))
    return t


def lora_tensors(rank, targets):
    t = []
    for i in range(LAYERS):
        for proj in targets:
            base = "base_model.model.model.layers.%d.self_attn.%s." % (i, proj)
            t.append((base + "lora_A.weight", "F32", [rank, DIM], floats(rank * DIM)))
            t.append((base + "lora_B.weight", "F32", [DIM, rank], floats(DIM * rank)))
    return t


def tiny_llm():
    write("tiny-llm/model.safetensors", safetensors(model_tensors(), {"format": "pt"}))
    write("tiny-llm/config.json", json.dumps({
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "torch_dtype": "bfloat16",
        "hidden_size": DIM, "intermediate_size": FF, "num_hidden_layers": LAYERS, "num_attention_heads": 4,
        "vocab_size": VOCAB, "max_position_embeddings": 512, "rms_norm_eps": 1e-06}, indent=2) + "\n")
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for i in range(3, VOCAB):
        vocab["tok%d" % i] = i
    write("tiny-llm/tokenizer.json", json.dumps({
        "version": "1.0", "model": {"type": "BPE", "vocab": vocab, "merges": []},
        "added_tokens": [{"id": 1, "content": "<s>", "special": True}, {"id": 2, "content": "</s>", "special": True}]},
        indent=1) + "\n")
    write("tiny-llm/tokenizer_config.json", json.dumps({
        "bos_token": "<s>", "eos_token": "</s>", "model_max_length": 512,
        "chat_template": "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}</s>\n{% endfor %}"
                         "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"}, indent=2) + "\n")
    write("tiny-llm/README.md", """---
license: apache-2.0
language:
- en
pipeline_tag: text-generation
library_name: transformers
datasets:
- acme/support-chats
---

# tiny-llm

A 2-layer Llama-architecture model for aibom's samples. Its weights are random: it exists to
be described, signed and verified, not to answer questions.
""")


def adapter(name, rank, targets, alpha):
    write("%s/adapter_model.safetensors" % name, safetensors(lora_tensors(rank, targets), {"format": "pt"}))
    write("%s/adapter_config.json" % name, json.dumps({
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": "acme/tiny-llm",
        "r": rank, "lora_alpha": alpha, "lora_dropout": 0.05, "target_modules": targets, "bias": "none",
        "inference_mode": True}, indent=2) + "\n")
    write("%s/README.md" % name, """---
base_model: acme/tiny-llm
library_name: peft
license: apache-2.0
---

# %s

LoRA adapter (rank %d) for tiny-llm.
""" % (name, rank))


TOPICS = ["billing", "login", "refund", "shipping", "warranty", "upgrade", "privacy", "outage"]


def chats(n, version):
    lines = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        lines.append(json.dumps({
            "id": "%s-%05d" % (version, i), "topic": topic,
            "messages": [
                {"role": "user", "content": "I have a question about %s (ticket %d)." % (topic, rng.randrange(10**6))},
                {"role": "assistant", "content": "Happy to help with %s. Here is what to do next." % topic}]},
            sort_keys=True))
    return "\n".join(lines) + "\n"


def kb():
    docs = ["How to reset a password", "Refund policy", "Shipping times", "Warranty terms",
            "Upgrading a plan", "Privacy and data retention", "Status page and outages", "Billing cycles"]
    d, n = 32, len(docs) * 4
    # FAISS IndexFlatL2 ("IxF2"): header d, ntotal, two dummies, is_trained, metric, then codes.
    header = b"IxF2" + struct.pack("<iqqqBi", d, n, 1 << 20, 1 << 20, 1, 1)
    codes = floats(d * n)
    write("kb-index/index.faiss", header + struct.pack("<q", d * n) + codes)
    store = {"docstore/data": {"doc-%d" % i: {"__data__": {"text": docs[i // 4] + " (part %d)" % (i % 4)}}
                               for i in range(n)}}
    write("kb-index/docstore.json", json.dumps(store, sort_keys=True) + "\n")
    write("data/kb-docs.jsonl", "".join(json.dumps({"id": i, "title": t}) + "\n" for i, t in enumerate(docs)))


def main():
    tiny_llm()
    adapter("support-lora", 8, ["q_proj", "v_proj"], 16)
    adapter("safety-lora", 4, ["q_proj", "k_proj", "v_proj", "o_proj"], 8)
    write("data/support-chats-1.0.jsonl", chats(400, "v1"))
    write("data/support-chats-1.1.jsonl", chats(520, "v2"))
    kb()
    write("prompts/system-prompt.txt", """You are Acme's support assistant. Answer questions about Acme
products politely and concisely. Never ask for passwords or payment card numbers. If a question
is outside Acme support, say so and suggest contacting a human agent.
""")


if __name__ == "__main__":
    main()
