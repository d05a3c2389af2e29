import { cliConfig } from '../../tsup.shared.js';

export default cliConfig();
