/**
 * PostgreSQL's `integer` maximum. Ids are integers, so a larger one cannot exist and would fail
 * in SQL; OFFSET takes a bigint, but nobody pages two billion rows in.
 */
export const PG_INTEGER_MAX = 2_147_483_647;
