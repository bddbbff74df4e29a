-- Plans are reference data: seeded here so every environment offers the same plans.
CREATE TABLE subscription_plans (
    code          VARCHAR(32)    PRIMARY KEY,
    name          VARCHAR(100)   NOT NULL,
    monthly_price NUMERIC(10, 2) NOT NULL CHECK (monthly_price >= 0),
    currency      CHAR(3)        NOT NULL,
    max_streams   INTEGER        NOT NULL CHECK (max_streams > 0),
    resolution    VARCHAR(16)    NOT NULL
);

INSERT INTO subscription_plans (code, name, monthly_price, currency, max_streams, resolution) VALUES
    ('basic',    'Basic',     8.99, 'USD', 1, '720p'),
    ('standard', 'Standard', 13.99, 'USD', 2, '1080p'),
    ('premium',  'Premium',  17.99, 'USD', 4, '4K');
