import { Command } from 'commander';
import { command as demoCommand } from './demo.js';
import { command as exportCommand } from './exportCommand.js';
import { command as importCommand } from './importCommand.js';
import { serveCommand } from './serve.js';

const program = new Command();
program
  .name('medassist')
  .description(
    'medassist: an open-source medical-office system on HL7 FHIR R4, built around the medical assistant.'
  )
  .version('0.1.0');

program.addCommand(serveCommand());

const modules = await Promise.allSettled([
  import('./demo.js'),
  import('./importCommand.js'),
  import('./exportCommand.js'),
]);
for (const m of modules) {
  if (m.status === 'fulfilled') {
    const mod = m.value as { command?: () => Command };
    if (mod.command) {
      program.addCommand(mod.command());
    }
  }
}

await program.parseAsync(process.argv);
