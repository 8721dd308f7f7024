import { Command } from 'commander';
import { command as demoCommand } from './demo.js';
import { command as exportCommand } from './exportCommand.js';
import { command as importCommand } from './importCommand.js';
import { serveCommand } from './serve.js';
import { command as userCommand } from './userCommand.js';
import { command as clientCommand } from './clientCommand.js';
import { command as auditCommand } from './auditCommand.js';

const program = new Command();
program
  .name('medassist')
  .description(
    'medassist: an open-source medical-office system on HL7 FHIR R4, built around the medical assistant.'
  )
  .version('0.1.0');

program.addCommand(serveCommand());

program.addCommand(demoCommand());
program.addCommand(importCommand());
program.addCommand(exportCommand());
program.addCommand(userCommand());
program.addCommand(clientCommand());
program.addCommand(auditCommand());

await program.parseAsync(process.argv);
