import { queryArrays, type Queryable } from './queryable.js';

// One JSON array of ids per context type (as text: parsed here in one go): a row per context
// took three times as long.
const SQL = `SELECT context_type, json_agg(context_id)::text AS ids
  FROM contexts GROUP BY context_type`;

/** Every registered context's id, by context type. */
export async function listContextIds(db: Queryable): Promise<Map<string, string[]>> {
  const rows = await queryArrays<[string, string]>(db, 'pet_list_context_ids', SQL, []);
  return new Map(rows.map(([type, ids]) => [type, JSON.parse(ids) as string[]]));
}
