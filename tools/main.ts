import { run } from "./commands/usage";
import { program } from "./program";

void run(program(), process.argv.slice(2));
