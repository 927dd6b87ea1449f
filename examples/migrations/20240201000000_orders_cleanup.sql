-- Destructive: the column and its data are gone for good, and running code that reads it breaks.
ALTER TABLE orders DROP COLUMN legacy_ref;

-- Blocks writes to orders for as long as the build takes: use CREATE INDEX CONCURRENTLY.
CREATE INDEX orders_user_id_idx ON orders (user_id);

-- Backward-incompatible: the running application still selects users.name.
ALTER TABLE users RENAME COLUMN name TO full_name;

-- numeric -> float8 rewrites the whole table under an ACCESS EXCLUSIVE lock.
ALTER TABLE orders ALTER COLUMN total TYPE float8;
