# Makefile - builds bloodops, its tests and its install.
#
#   make            build ./bloodops (debug info, -Werror)
#   make deps       install the Debian packages the build and tests need
#   make run        build, create ./var/bloodops.db if missing, serve it
#   make test       every suite (unit, unit under ASan+UBSan, API, browser), one summary
#   make install    PREFIX=/usr/local DESTDIR= : the binary and its files
#   make bench      the benchmarks (bench/README.md)
#   make fuzz       the libFuzzer targets, FUZZ_SECONDS each (fuzz/README.md)
#   make fuzz-build build the libFuzzer targets only (build/fuzz/fuzz_NAME)
#   make fuzz-smoke each target for FUZZ_SMOKE_SECONDS on its seeds: "fuzz: N passed, N failed"
#
# Objects go to build/<variant>/ so the normal and sanitizer builds coexist.

PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PKGS     := sqlite3 libpq libmicrohttpd jansson libsodium cairo icu-uc icu-i18n
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lpq -lmicrohttpd -ljansson -lsodium -lcairo -licui18n -licuuc)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(CFLAGS) \
             -Isrc $(PKG_CFLAGS) -MMD -MP
BASE_LIBS = $(PKG_LIBS) -lzint -lm -lpthread
# The allocator: mimalloc (Debian's libmimalloc) linked first, kept even
# where nothing names it, so that every library's malloc and free are its
# (docs/DESIGN.md, "Memory"); not under the sanitizers, which bring their
# own (the asan and fuzz builds set MALLOC_LIBS empty).
MALLOC_LIBS ?= -Wl,--push-state,--no-as-needed -lmimalloc -Wl,--pop-state
LDLIBS   = $(MALLOC_LIBS) $(BASE_LIBS)

# The layers, bottom up. A layer may include headers from layers below only.
BASE_SRC    := $(wildcard src/base/*.c)
DOMAIN_SRC  := $(wildcard src/domain/*.c)
DOCUMENTS_SRC := $(wildcard src/documents/*.c)
STORE_SRC   := $(wildcard src/store/*.c)
SERVICE_SRC := $(wildcard src/service/*.c)
DEMO_SRC    := $(wildcard src/demo/*.c)
HTTP_SRC    := $(wildcard src/http/*.c)
CLI_SRC     := $(wildcard src/cli/*.c)
LIB_SRC     := $(BASE_SRC) $(DOMAIN_SRC) $(DOCUMENTS_SRC) $(STORE_SRC) $(SERVICE_SRC) $(DEMO_SRC) \
               $(HTTP_SRC) $(CLI_SRC)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)

VARIANT ?= debug
OUT     := build/$(VARIANT)
SCHEMA_SQL := $(sort $(wildcard schema/*.sql))
SCHEMA_C := $(OUT)/gen/schema_embedded.c
# Folders too: a file removed from web/ changes its folder, so the table is
# generated again.
WEB_FILES := $(shell find web 2>/dev/null)
WEB_C := $(OUT)/gen/web_embedded.c
# The lists of modules, generated from their declarations (gen-modules.sh).
MODULES_C := $(OUT)/gen/http_modules.c $(OUT)/gen/cli_modules.c
# The schemas of the API's answers (http/openapi.h), compiled in.
API_SCHEMAS := $(sort $(wildcard src/http/schemas/*.json))
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/%.o) $(OUT)/gen/schema_embedded.o $(OUT)/gen/web_embedded.o \
           $(MODULES_C:.c=.o) $(OUT)/gen/http_schemas.o
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)

.PHONY: all deps run test unit unit-build unit-asan asan-server api install clean check-layers \
        check-openapi \
        check-citations
all: bloodops

bloodops: $(OUT)/bloodops
	@cp $< $@.$$$$.new && mv -f $@.$$$$.new $@

# Every layer goes into one archive; the program and the tests link it.
LIB_A := $(OUT)/libbloodops.a
$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(OUT)/bloodops: $(OUT)/src/main.o $(LIB_A)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) $(LDFLAGS)

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The migrations are compiled into the binary: one file to install.
# (tools/embed-files.sh: files as bytes in a C table.)
EMBED_MIGRATIONS := tools/embed-files.sh store/backend.h db_migration db_migrations \
                    db_migration_count ""
EMBED_API_SCHEMAS := tools/embed-files.sh http/openapi.h http_schema_file http_schema_files \
                     http_schema_file_count .json
$(SCHEMA_C): $(SCHEMA_SQL) tools/embed-files.sh
	@mkdir -p $(dir $@)
	@$(EMBED_MIGRATIONS) $(SCHEMA_SQL) > $@

$(OUT)/gen/schema_embedded.o: $(SCHEMA_C)
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Every module declared in src/http/ and src/cli/, listed for the router
# and the command line: adding a module edits no central list.
$(OUT)/gen/http_modules.c: $(HTTP_SRC) tools/gen-modules.sh
	@mkdir -p $(dir $@)
	@tools/gen-modules.sh http $(HTTP_SRC) > $@.$$$$.new && mv -f $@.$$$$.new $@

$(OUT)/gen/cli_modules.c: $(CLI_SRC) tools/gen-modules.sh
	@mkdir -p $(dir $@)
	@tools/gen-modules.sh cli $(CLI_SRC) > $@.$$$$.new && mv -f $@.$$$$.new $@

$(OUT)/gen/%_modules.o: $(OUT)/gen/%_modules.c
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(OUT)/gen/http_schemas.c: $(API_SCHEMAS) tools/embed-files.sh
	@mkdir -p $(dir $@)
	@$(EMBED_API_SCHEMAS) $(API_SCHEMAS) > $@.$$$$.new && mv -f $@.$$$$.new $@

$(OUT)/gen/http_schemas.o: $(OUT)/gen/http_schemas.c
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# So is the web application (web/ and the npm files it loads, see
# tools/embed-web.js): the binary serves it without any file beside it.
# npm ci installs the exact versions of package-lock.json.
NPM_STAMP := node_modules/.package-lock.json
$(NPM_STAMP): package.json package-lock.json
	@echo "  NPM     ci"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_C): $(WEB_FILES) tools/embed-web.js $(NPM_STAMP)
	@mkdir -p $(dir $@)
	@echo "  EMBED   web/"
	@node tools/embed-web.js $@

$(OUT)/gen/web_embedded.o: $(WEB_C)
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests link the whole library (not main.o) and cmocka.
$(OUT)/tests/%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka $(LDFLAGS)

unit-build: $(UNIT_BIN)

deps:
	@tools/deps.sh

run: deps bloodops
	@tools/run.sh

# make test: every suite, then one summary line "N passed, N failed".
test: deps
	@tools/test.sh

# The pieces test.sh calls; usable alone.
UNIT_SUITE ?= unit
unit: $(UNIT_BIN)
	@tests/run-unit.sh $(OUT)/tests $(UNIT_SUITE)

# The sanitizer build (build/asan/): the unit tests under it, and the
# server the API suite on SQLite runs. One set of flags for both, as they
# share build/asan/libbloodops.a (make rebuilds no object when only flags
# change).
ASAN_CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_LDFLAGS := -fsanitize=address,undefined
unit-asan:
	@$(MAKE) --no-print-directory VARIANT=asan UNIT_SUITE=unit-asan \
	  CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="$(ASAN_LDFLAGS)" MALLOC_LIBS= unit

asan-server:
	@$(MAKE) --no-print-directory VARIANT=asan CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="$(ASAN_LDFLAGS)" MALLOC_LIBS= \
	  build/asan/bloodops

api: bloodops
	@tests/run-api.sh

install: bloodops
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/bloodops
	install -m 0755 bloodops $(DESTDIR)$(PREFIX)/bin/bloodops
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/bloodops/

check-layers:
	@tools/check-layers.sh

# No file cites the product specification outside the repository: each
# cites the docs/ page that states the rule (tools/check-citations.sh).
check-citations:
	@tools/check-citations.sh

# The API's description (bloodops api openapi) passes Redocly's lint.
check-openapi: bloodops $(NPM_STAMP)
	@tools/check-openapi.sh

clean:
	rm -rf build bloodops

-include $(LIB_OBJ:.o=.d) $(OUT)/src/main.d

# --- bench ---------------------------------------------------------------------
# make bench: the benchmarks of the performance targets (bench/README.md,
# "Performance targets"). chain: the blood-products chain (bench/chain_bench,
# under 3 minutes): durable collections through the API against raw SQLite
# commits, a kill -9 under load, DIN lookups against nginx. ledger: journal
# import against raw SQLite bulk insertion, quarterly report against the SQL
# aggregate over the journal (BENCH_LINES=N sets the journal size).
# receivables: the aging of today over a million invoices against the SQL
# aggregate over the documents (BENCH_INVOICES=N sets their number).
# billing: invoice issuing through the API beside raw SQLite durable commits.
# shipments: shipments confirmed through the API beside the same, and a kill -9.
# demo: the demo company at scale 1 against its minute, and at scale 100 in
# events per second beside raw SQLite bulk insertion.
# BENCH_RUN=chain, ledger, receivables, billing, shipments or demo runs one.
BENCH_RUN   ?= chain ledger receivables billing shipments demo
BENCH_LINES ?= 10000000
BENCH_SRC   := $(wildcard bench/*.c)
BENCH_BIN   := $(BENCH_SRC:bench/%.c=$(OUT)/bench/%)

.PHONY: bench
bench: bloodops $(BENCH_BIN)
	@for bench in $(BENCH_RUN); do \
	  case $$bench in \
	    chain) BLOODOPS=./bloodops BENCH_TOOLS=$(OUT)/bench bench/chain_bench || exit 1;; \
	    ledger) BENCH_LINES=$(BENCH_LINES) $(OUT)/bench/ledger_bench || exit 1;; \
	    receivables) $(OUT)/bench/receivables_bench || exit 1;; \
	    billing) BLOODOPS=./bloodops BENCH_TOOLS=$(OUT)/bench bench/billing_bench || exit 1;; \
	    shipments) BLOODOPS=./bloodops BENCH_TOOLS=$(OUT)/bench bench/shipment_bench || exit 1;; \
	    demo) BLOODOPS=./bloodops BENCH_TOOLS=$(OUT)/bench bench/demo_bench || exit 1;; \
	    *) echo "make bench: no benchmark '$$bench' (chain, ledger, receivables, billing, shipments, demo)" >&2; exit 1;; \
	  esac; \
	done

# Bench programs link the whole library (not main.o), like the unit tests.
$(OUT)/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) $(LDFLAGS)

# --- fuzz ----------------------------------------------------------------------
# make fuzz: every fuzz/fuzz_NAME.c built as a libFuzzer target by clang with
# ASan and UBSan, then run for FUZZ_SECONDS each (fuzz/README.md). The sources
# of every layer a target may call (base, domain, documents, store, services
# and the HTTP router with its route tables; not server.c, which owns the
# sockets, nor web.c, whose embedded files need npm) are compiled again by
# clang with coverage for the fuzzer (never the gcc objects) into archives,
# so a target links only the objects it uses. Inputs found go to
# build/fuzz/corpus/NAME/, crashes to build/fuzz/artifacts/NAME/; the seeds
# in fuzz/corpus/NAME/ are only read. make fuzz-smoke (tools/fuzz-smoke.sh):
# each target for FUZZ_SMOKE_SECONDS on its seeds, one line "fuzz: N passed,
# N failed".
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_CC      ?= clang
FUZZ_OUT     := build/fuzz
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_OUT)/%)
# Two archives, so that a target of base and domain code still builds while
# the layers above are being changed: libfuzzed.a (base, domain, documents)
# for every target, libfuzzed-app.a (store, services, router, route tables,
# schema) also for the targets named in FUZZ_APP_TARGETS.
FUZZ_APP_TARGETS := http_body http_route import_lines journal_import results_import \
                    catalog_import eligibility audit_canonical
FUZZ_LIB_SRC := $(BASE_SRC) $(DOMAIN_SRC) $(DOCUMENTS_SRC)
FUZZ_APP_SRC := $(STORE_SRC) $(SERVICE_SRC) $(filter-out src/http/server.c src/http/web.c,$(HTTP_SRC))
FUZZ_SCHEMA_C := $(FUZZ_OUT)/gen/schema_embedded.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_OUT)/obj/%.o)
FUZZ_APP_OBJ := $(FUZZ_APP_SRC:%.c=$(FUZZ_OUT)/obj/%.o) $(FUZZ_OUT)/obj/gen/schema_embedded.o \
                $(FUZZ_OUT)/obj/gen/http_modules.o $(FUZZ_OUT)/obj/gen/http_schemas.o
FUZZ_LIB_A   := $(FUZZ_OUT)/libfuzzed.a
FUZZ_APP_A   := $(FUZZ_OUT)/libfuzzed-app.a
FUZZ_CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARNINGS) -O1 -g \
                -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
                -Isrc $(PKG_CFLAGS) -MMD -MP

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@failed=; for target in $(FUZZ_BIN); do \
	  name=$$(basename $$target); name=$${name#fuzz_}; \
	  mkdir -p $(FUZZ_OUT)/corpus/$$name $(FUZZ_OUT)/artifacts/$$name; \
	  seeds=; [ -d fuzz/corpus/$$name ] && seeds=fuzz/corpus/$$name; \
	  dict=; [ -f fuzz/fuzz_$$name.dict ] && dict=-dict=fuzz/fuzz_$$name.dict; \
	  echo "  FUZZ    $$target for $(FUZZ_SECONDS) s"; \
	  $$target -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$dict \
	    -artifact_prefix=$(FUZZ_OUT)/artifacts/$$name/ \
	    $(FUZZ_OUT)/corpus/$$name $$seeds || failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "make fuzz: crashed:$$failed (build/fuzz/artifacts/)"; exit 1; fi

fuzz-smoke:
	@FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_CC=$(FUZZ_CC) tools/fuzz-smoke.sh

$(FUZZ_OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# The migrations, as the program carries them: a target that opens a
# database applies them.
$(FUZZ_SCHEMA_C): $(SCHEMA_SQL) tools/embed-files.sh
	@mkdir -p $(dir $@)
	@$(EMBED_MIGRATIONS) $(SCHEMA_SQL) > $@

$(FUZZ_OUT)/obj/gen/schema_embedded.o: $(FUZZ_SCHEMA_C)
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_OUT)/gen/http_modules.c: $(HTTP_SRC) tools/gen-modules.sh
	@mkdir -p $(dir $@)
	@tools/gen-modules.sh http $(HTTP_SRC) > $@.$$$$.new && mv -f $@.$$$$.new $@

$(FUZZ_OUT)/gen/http_schemas.c: $(API_SCHEMAS) tools/embed-files.sh
	@mkdir -p $(dir $@)
	@$(EMBED_API_SCHEMAS) $(API_SCHEMAS) > $@.$$$$.new && mv -f $@.$$$$.new $@

$(FUZZ_OUT)/obj/gen/%.o: $(FUZZ_OUT)/gen/%.c
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB_A): $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_APP_A): $(FUZZ_APP_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_APP_TARGETS:%=$(FUZZ_OUT)/fuzz_%): $(FUZZ_APP_A)

$(FUZZ_OUT)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB_A)
	@mkdir -p $(dir $@)
	@echo "  FUZZER  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	  $(if $(filter $*,$(FUZZ_APP_TARGETS)),$(FUZZ_APP_A)) $(FUZZ_LIB_A) $(BASE_LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_APP_OBJ:.o=.d) $(FUZZ_BIN:=.d)
