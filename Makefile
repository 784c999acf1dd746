# The README's two commands: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
AKHBAR := $(VENV)/bin/akhbar
STAMP  := $(VENV)/.installed
CORPUS := eval/data
SHARED := ../shared/data
NEWS   := $(SHARED)/news-dev
GLOSSARY := .akhbar/models/freedict-eng-ara
ENCODER := .akhbar/models/intfloat__multilingual-e5-small
READER  := .akhbar/models/akhbar-reader-e5-small

.PHONY: install model fetch glossary demo ingest chat test test-fast fuzz lint bench-ingest bench-retrieval bench-api bench-scale bench-live bench-llm bench-answer eval eval-answerers eval-xquad eval-news eval-news-grown eval-news-ant eval-refusal calibrate browser clean

$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: 2.13.0 is the CPU build; unpinned pulls a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -c requirements.lock -e '.[dev,llm]'
	touch $(STAMP)

install: $(STAMP)

model: install glossary fetch $(READER)/reader.onnx

fetch: install
	$(AKHBAR) model fetch

# The span reader, trained from the encoder on the bundled ARCD and XQuAD questions (about 15 minutes
# on 2 cores; README, "The span reader"); trained again when its recipe changes.
$(READER)/reader.onnx: eval/reader_training.py assistant/reader.py | fetch
	$(PY) -m eval.reader_training --encoder $(ENCODER) --out $(READER)

# FreeDict's English-Arabic dictionary (Debian's dict-freedict-eng-ara, GPL-2+): English questions'
# common words in Arabic. Unpacked from the package without installing it, so no root is needed;
# where apt is missing, a warning, and Akhbar runs without it (the suite's glossary tests fail).
glossary:
	@test -f $(GLOSSARY)/freedict-eng-ara.index || { \
	  tmp=$$(mktemp -d) && chmod a+rwx $$tmp; \
	  if (cd $$tmp && apt-get download -qq dict-freedict-eng-ara && dpkg-deb -x dict-freedict-eng-ara_*.deb x); then \
	    mkdir -p $(GLOSSARY) && cp $$tmp/x/usr/share/dictd/freedict-eng-ara.index $$tmp/x/usr/share/dictd/freedict-eng-ara.dict.dz $(GLOSSARY)/; \
	  else \
	    echo "make glossary: could not get Debian's dict-freedict-eng-ara (English questions will match names, numbers and countries only); put freedict-eng-ara.index and .dict.dz from https://freedict.org in $(GLOSSARY)" >&2; \
	  fi; rm -rf $$tmp; }

ingest: model
	$(AKHBAR) ingest $(CORPUS)

demo: ingest
	$(AKHBAR) chat --host 127.0.0.1 --port 7860

browser: install  # Chromium and its driver (Debian), axe-core (npm) for the accessibility check
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)
	@test -f $(VENV)/node/node_modules/axe-core/axe.min.js || \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@4.14.1

test: model browser  # the model is built (once) before the suite, as `make demo` builds it
	$(PY) -m pytest -q --durations=15  # the slowest tests named in every CI log

test-fast: install  # the unit tier: no model, browser or LLM (seconds)
	$(PY) -m pytest -q -m "not slow"

fuzz: install  # over 10,000 generated inputs: article reader, Assistant.ask, HTTP API
	AKHBAR_FUZZ=1 $(PY) -m pytest -q --hypothesis-show-statistics tests/test_fuzz.py

lint: install
	$(VENV)/bin/ruff check assistant ingest prompts eval tests
	$(VENV)/bin/mypy assistant ingest prompts eval

bench-ingest: model
	$(PY) -m eval.bench_ingest

bench-retrieval: model
	$(PY) -m eval.bench_retrieval

bench-api: ingest  # 50 clients for 60 s against a server it starts on port 8099
	$(AKHBAR) serve --port 8099 & pid=$$!; \
	until curl -sf http://127.0.0.1:8099/readyz >/dev/null; do sleep 1; done; \
	$(PY) -m eval.bench_api --url http://127.0.0.1:8099; kill $$pid

bench-scale: model  # 25k/50k/100k-chunk stores from real ANT chunks and vectors; projected to 1M and 10M
	$(PY) -m eval.bench_scale

bench-live: model  # 1,000 ANT articles pushed over the API while 10 clients ask: p50/p95/p99 idle vs during
	$(PY) -m eval.bench_live

bench-llm: model
	$(PY) -m eval.bench_llm

bench-answer: model  # warm ask p50/p95 on the news-dev archive
	$(PY) -m eval.bench_answer

eval: model
	$(AKHBAR) eval --qa eval/qa/sample.jsonl --corpus $(CORPUS)/sample --out eval/out/sample

eval-answerers: model  # extractive and the local LLM, same retrieval, one run
	$(AKHBAR) eval --qa eval/qa/sample.jsonl --corpus $(CORPUS)/sample --answerers extractive,llamacpp \
	  --out eval/results/sample-answerers

eval-xquad: model
	$(AKHBAR) eval --qa eval/qa/xquad.dev.ar.jsonl --qa eval/qa/xquad.dev.en-ar.jsonl \
	  --corpus $(CORPUS)/xquad-ar-articles.jsonl --baselines --out eval/results/xquad

eval-news: model  # news-dev: 95 answerable news questions and 25 near misses, at the chat's k=5
	$(AKHBAR) eval --qa $(NEWS)/qa.jsonl --corpus $(NEWS)/articles.jsonl --k 1,3,5 --baselines \
	  --out eval/results/news

eval-news-grown: model  # the same questions over news-dev plus each question's 10 nearest ANT articles
	$(PY) -m eval.grown_archive --per-question 10 --out eval/out/news-grown.jsonl
	$(AKHBAR) eval --qa $(NEWS)/qa.jsonl --corpus eval/out/news-grown.jsonl --k 1,3,5 --out eval/results/news-grown

eval-news-ant: model  # the same questions over the whole ANT archive, 30,337 articles: hours on 2 cores, 9 min on a GPU
	$(AKHBAR) eval --qa $(NEWS)/qa.jsonl --corpus $(SHARED)/ant-news/articles.jsonl.gz --k 1,3,5 --out eval/results/news-ant

calibrate: model  # fit the refusal model on XQuAD, news-dev and ARCD; report it two-fold by article
	$(PY) -m eval.calibrate

eval-refusal: model  # every 2nd XQuAD article deleted after ingest: do its questions get refused?
	$(AKHBAR) eval --qa eval/qa/xquad.dev.ar.jsonl --qa eval/qa/xquad.dev.en-ar.jsonl \
	  --corpus $(CORPUS)/xquad-ar-articles.jsonl --hold-out-every 2 --out eval/results/xquad-refusal

clean:
	rm -rf $(VENV) .akhbar eval/out test-artifacts
