-- Look-ups that read every row of a tenant's reference data for one event.
--
-- The look-alike check of an event's sender read every customer's contact for every event
-- with a sender (O(customers) rows and Python per event: about 100 ms at 20,000
-- customers). Each contact now carries the key a look-alike domain shares with it (its
-- domain's name without the top-level label, confusable characters folded:
-- exdesk.domain.email_domains.lookalike_key, which writes it from now on), and the
-- database returns only the contacts whose key is within two edits of the sender's
-- (fuzzystrmatch's levenshtein_less_equal; a trusted extension).

CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

ALTER TABLE customers ADD COLUMN IF NOT EXISTS contact_lookalike_key text;

-- The contacts stored before this migration, keyed as lookalike_key does for a valid
-- address: the part after the last '@', trimmed of dots, lower-cased, its last label
-- dropped (when it has more than one), confusables folded in the same order.
UPDATE customers SET contact_lookalike_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(
        CASE WHEN strpos(d.domain, '.') > 0
             THEN regexp_replace(d.domain, '\.[^.]*$', '') ELSE d.domain END,
        'rn', 'm'), 'vv', 'w'), 'cl', 'd'), '0', 'o'), '1', 'l'), 'i', 'l'), '|', 'l'),
        '5', 's'), '_', '-')
FROM (SELECT tenant_id, customer_id,
             lower(btrim(btrim(regexp_replace(contact_email, '^.*@', '')), '.')) AS domain
      FROM customers) AS d
WHERE customers.tenant_id = d.tenant_id AND customers.customer_id = d.customer_id
  AND customers.contact_lookalike_key IS NULL;

ALTER TABLE customers ALTER COLUMN contact_lookalike_key SET NOT NULL;

CREATE INDEX IF NOT EXISTS customers_by_lookalike_length
    ON customers (tenant_id, length(contact_lookalike_key));

-- An order or shipment named only in an event's text is looked up case-insensitively
-- (upper(order_id) = ANY(...)), which no index served: a scan of all the tenant's orders
-- and shipments for each such event.
CREATE INDEX IF NOT EXISTS orders_by_upper_id ON orders (tenant_id, upper(order_id));
CREATE INDEX IF NOT EXISTS shipments_by_upper_id ON shipments (tenant_id, upper(shipment_id));
CREATE INDEX IF NOT EXISTS shipments_by_upper_tracking
    ON shipments (tenant_id, upper(tracking_number));
