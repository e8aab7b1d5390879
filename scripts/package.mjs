// `npm run package [-- --target linux-x64]`: a platform-specific VSIX (vsce --target) that
// carries only that platform's onnxruntime-node binaries. Prints the VSIX path and size.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argTarget = process.argv.includes('--target') ? process.argv[process.argv.indexOf('--target') + 1] : undefined;
const target = argTarget ?? `${process.platform}-${process.arch}`;
const [os, arch] = target.split('-');
const ortBin = join(root, 'node_modules', 'onnxruntime-node', 'bin');

// This target's onnxruntime-node binary folder (bin/napi-vN/OS/ARCH); the others stay out.
const kept = readdirSync(ortBin)
  .filter((napi) => existsSync(join(ortBin, napi, os, arch)))
  .map((napi) => `!node_modules/onnxruntime-node/bin/${napi}/${os}/${arch}/**`);
if (kept.length === 0) {
  console.error(`onnxruntime-node has no binaries for ${target}; targets: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64, win32-arm64`);
  process.exit(2);
}

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const outDir = join(root, 'dist-vsix');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `ptlab-${target}-${version}.vsix`);
const ignoreFile = join(outDir, `.vscodeignore.${target}`);
writeFileSync(ignoreFile, `${readFileSync(join(root, '.vscodeignore'), 'utf8')}\n# ${target} only\n${kept.join('\n')}\n`);

// vsce needs Node 22+; scripts/setup.sh --node-only installed Node 24 with code-server.
const toolsEnv = join(root, 'node_modules', '.ptlab', 'tools.env');
const node = existsSync(toolsEnv) ? readFileSync(toolsEnv, 'utf8').match(/^PTLAB_CODE_SERVER_NODE=(.*)$/m)?.[1] : undefined;
rmSync(out, { force: true });
// README images stay relative (--no-rewrite-relative-links): VS Code shows the README from
// the installed extension folder, which carries docs/images.
const result = spawnSync(
  node ?? process.execPath,
  [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PATH: `${dirname(node ?? process.execPath)}:${process.env.PATH}` } },
);
rmSync(ignoreFile, { force: true });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB (${target})`);
