/** The example trial configs in infra/trials stay valid as the schema evolves. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTrialConfig } from '@semaigc/coordinator';

const dir = path.join(__dirname, '..', 'infra', 'trials');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test('there are example trial configs', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s is a valid trial config', async (f) => {
  const cfg = await loadTrialConfig(path.join(dir, f));
  expect(cfg.name).toBe(path.basename(f, '.yaml').replace('baselines-rayleigh', 'edge-aigc-rayleigh'));
});
