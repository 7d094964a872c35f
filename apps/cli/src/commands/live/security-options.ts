/** The live commands' HTTP security options: the API token and the data directories. */
import { Option } from 'commander';

/**
 * `--token <t>` (or SEMAIGC_TOKEN): the coordinator's API token. Given to a coordinator it
 * fixes the token; given to a client it is sent as `Authorization: Bearer`. The environment
 * variable keeps it out of `ps` listings.
 */
export function tokenOption(help: string): Option {
  return new Option('--token <token>', help).env('SEMAIGC_TOKEN');
}

/** `--data-dir <dir>` (repeatable): more directories configs posted over HTTP may read files from. */
export function dataDirOption(): Option {
  return new Option(
    '--data-dir <dir>',
    "a directory trial configs posted over HTTP may name files in (trace CSVs, ROOT checkpoints), besides the repo's infra/ and --runs; repeatable",
  )
    .default([] as string[])
    .argParser((v: string, prev: string[]) => [...prev, v]);
}
