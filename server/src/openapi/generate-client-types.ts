// `npm run api:generate`: writes the server's OpenAPI description and the dashboard's
// types generated from it (dashboard/src/api/generated). Opens no port and no database.
import { relative } from 'node:path';
import { REPO_ROOT } from '../config/server-config.js';
import { DOCUMENT_FILE, generateClientContract, SCHEMA_FILE, writeClientContract } from './client-types.js';

await writeClientContract(await generateClientContract());
for (const file of [DOCUMENT_FILE, SCHEMA_FILE]) console.log(`wrote ${relative(REPO_ROOT, file)}`);
