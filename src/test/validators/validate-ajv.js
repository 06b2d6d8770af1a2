// Validates JSON Lines files against Tally's schemas the way a Node consumer does: ajv's Draft 2020-12 class with
// default options (strict mode as ajv ships it), the schemas loaded from schemas/ and referenced by their $id.
//
// Usage: node validate-ajv.js SCHEMA_DIR STREAM=FILE.jsonl ...
// Prints one JSON object: per stream the records validated, the records rejected and the first few rejections with
// ajv's messages; the errors of compiling every schema (strict mode throws on an unknown keyword or format); and the
// strict-mode warnings ajv logged while compiling (default options log strictTypes and strictTuples findings on the
// console: a consumer sees them at every start).
// Exit status: 0 when every record is valid and the schemas compile without a word, 1 when not, 2 on bad usage.
"use strict";

const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020");

const MAX_REPORTED = 5;

function main(args) {
  if (args.length < 2) {
    process.stderr.write("usage: node validate-ajv.js SCHEMA_DIR STREAM=FILE.jsonl ...\n");
    return 2;
  }
  const schemas = loadSchemas(args[0]);

  // ajv logs strict-mode findings through its logger, the console by default: catch them without changing options.
  const warnings = [];
  const consoleWarn = console.warn;
  console.warn = (...parts) => warnings.push(parts.map(String).join(" "));
  const streams = {};
  const compileErrors = [];
  try {
    const ajv = new Ajv2020();
    for (const s of schemas) ajv.addSchema(s.schema);
    for (const s of schemas) {
      try {
        ajv.getSchema(s.schema.$id); // compiles it, and what it references
      } catch (e) {
        compileErrors.push(s.file + ": " + e.message);
      }
    }
    for (const arg of args.slice(1)) {
      const eq = arg.indexOf("=");
      const stream = arg.slice(0, eq);
      const file = arg.slice(eq + 1);
      const id = schemaId(schemas, stream);
      let validate;
      try {
        validate = ajv.getSchema(id);
      } catch (e) {
        continue; // its compile error is reported above
      }
      streams[stream] = validateLines(validate, file);
    }
  } finally {
    console.warn = consoleWarn;
  }

  const rejected = Object.values(streams).some(r => r.rejected > 0);
  const report = {
    validator: "ajv " + require("ajv/package.json").version + " (Ajv2020, default options)",
    streams,
    compileErrors,
    warnings,
  };
  process.stdout.write(JSON.stringify(report) + "\n");
  return rejected || compileErrors.length || warnings.length ? 1 : 0;
}

function loadSchemas(dir) {
  return fs.readdirSync(dir).filter(f => f.endsWith(".schema.json")).sort()
    .map(f => ({file: f, schema: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))}));
}

function schemaId(schemas, stream) {
  const s = schemas.find(x => x.file === stream + ".schema.json");
  if (!s) throw new Error("no schema for stream " + stream);
  return s.schema.$id;
}

function validateLines(validate, file) {
  const result = {records: 0, rejected: 0, first: []};
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    result.records++;
    let ok;
    let messages;
    try {
      ok = validate(JSON.parse(lines[i]));
      messages = ok ? [] : validate.errors.map(e => (e.instancePath || "/") + " " + e.message);
    } catch (e) {
      ok = false;
      messages = ["not JSON: " + e.message];
    }
    if (!ok) {
      result.rejected++;
      if (result.first.length < MAX_REPORTED) {
        result.first.push({line: i + 1, errors: messages, record: lines[i].slice(0, 500)});
      }
    }
  }
  return result;
}

process.exitCode = main(process.argv.slice(2));
