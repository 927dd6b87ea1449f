CREATE TABLE orders (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  total      numeric(12, 2) NOT NULL,
  status     text NOT NULL DEFAULT 'new',
  legacy_ref varchar(32),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_created_at_idx ON orders (created_at);
