-- What else than its tokens the response stated that changed a request's price (issue 17): the speed (Anthropic fast
-- mode), the inference region (US-only), the processing tier (OpenAI Fast / Flex / Ultrafast, Anthropic's service tier)
-- and the provider-run tools. NULL / 0 for the rows written before, which were all priced at standard terms.
ALTER TABLE requests ADD COLUMN speed TEXT;
ALTER TABLE requests ADD COLUMN inference_geo TEXT;
ALTER TABLE requests ADD COLUMN service_tier TEXT;
ALTER TABLE requests ADD COLUMN web_search_requests BIGINT NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN web_fetch_requests BIGINT NOT NULL DEFAULT 0;
