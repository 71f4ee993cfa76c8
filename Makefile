# Moonlab build.  `make` builds ./moonlab and ./moonlab.so from the same objects;
# `make test` runs every test; `make asan` runs them under ASan+UBSan.
# Dependencies come from Debian packages and are found with pkg-config.

CC      ?= cc
PKGS    := lua5.4 openblas lapacke libpng libedit zlib libcmark
DEBS    := liblua5.4-dev libopenblas-dev liblapacke-dev libpng-dev libedit-dev gnuplot-x11 pkg-config lua5.4 zlib1g-dev python3-numpy libcmark-dev chromium \
	xvfb x11-utils x11-apps
PREFIX  ?= /usr/local
BUILD   ?= build

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifdef CI
WARN    += -Werror
endif
OPT     ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL  = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -fPIC -fopenmp -MMD -MP $(PKG_CFLAGS) $(SAN) $(CFLAGS)
LDLIBS_ALL  = $(PKG_LIBS) -lm -ldl $(LDLIBS)
LDFLAGS_ALL = -fopenmp $(SAN) $(LDFLAGS)

KERNEL_SRC := $(wildcard kernels/*.c)
HOST_SRC   := vm/main.c vm/repl.c vm/alloc.c
VM_LIB_SRC := $(filter-out $(HOST_SRC),$(wildcard vm/*.c))
LIB_OBJ    := $(KERNEL_SRC:%.c=$(BUILD)/%.o) $(VM_LIB_SRC:%.c=$(BUILD)/%.o)
HOST_OBJ   := $(HOST_SRC:%.c=$(BUILD)/%.o)
KERNEL_OBJ := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
CTEST_SRC  := $(wildcard tests/kernels/test_*.c)
CTEST_BIN  := $(CTEST_SRC:tests/kernels/%.c=$(BUILD)/tests/%)

ifeq ($(BUILD),build)
MOONLAB    := moonlab
MOONLAB_SO := moonlab.so
else
MOONLAB    := $(BUILD)/moonlab
MOONLAB_SO := $(BUILD)/moonlab.so
endif

.PHONY: all deps run test asan bench install uninstall clean check-layering ctests tutorials

all: check-layering $(MOONLAB) $(MOONLAB_SO) ctests

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The executable links libgomp statically when the compiler has libgomp.a, so
# that vm/main.c can choose OpenMP's wait policy before libgomp reads it (see
# omp_policy there); otherwise it uses the shared libgomp like the rest.
GOMP_A     := $(shell $(CC) -print-file-name=libgomp.a 2>/dev/null)
ifneq ($(wildcard $(GOMP_A)),)
EXE_OMP    := $(GOMP_A) -lpthread
else
EXE_OMP    := -fopenmp
endif

$(MOONLAB): $(HOST_OBJ) $(LIB_OBJ)
	$(CC) $(SAN) $(LDFLAGS) -Wl,-E -o $@ $^ $(LDLIBS_ALL) $(EXE_OMP)

$(MOONLAB_SO): $(LIB_OBJ)
	$(CC) $(LDFLAGS_ALL) -shared -o $@ $^ $(filter-out -llua5.4,$(LDLIBS_ALL))

ctests: $(CTEST_BIN)

$(BUILD)/tests/%: tests/kernels/%.c $(KERNEL_OBJ) tests/kernels/check.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ikernels -o $@ $< $(KERNEL_OBJ) $(LDFLAGS_ALL) $(LDLIBS_ALL)

# test_allocfail replaces the allocator to fail the N-th allocation
$(BUILD)/tests/test_allocfail: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

# kernels/ must stay Lua-free.
check-layering:
	@if grep -l 'lua\.h\|lauxlib\.h\|lualib\.h' kernels/*.c kernels/*.h 2>/dev/null; then \
		echo "kernels/ must not include Lua headers (see DESIGN.md)"; exit 1; fi

# Installs the missing Debian packages; a no-op (no root needed) when all are present.
deps:
	@missing=""; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Benchmark-only tools and peers (python3-numpy is also in DEBS: tests/lua/test_npy.lua checks files
# against it).  Fixture scripts under tests/fixtures/ use python3-sklearn, -scipy, -torch and
# python3-statsmodels; the fixtures they write are committed, so `make test` does not need them.
BENCH_DEBS := python3-numpy hyperfine python3-pandas python3-sklearn python3-scipy python3-torch \
	r-cran-data.table
bench-deps: deps
	@missing=""; for p in $(BENCH_DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	./moonlab

test: deps
	@$(MAKE) --no-print-directory all
	@MOONLAB=./$(MOONLAB) MOONLAB_SO=./$(MOONLAB_SO) BUILD=$(BUILD) sh tests/run.sh

ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" SAN="$(ASAN_FLAGS)" all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		MOONLAB_STDLIB=$(CURDIR)/stdlib MOONLAB=./build-asan/moonlab MOONLAB_SO= BUILD=build-asan sh tests/run.sh

bench: bench-deps
	@$(MAKE) --no-print-directory all
	@MOONLAB=./$(MOONLAB) sh tests/bench/run.sh
	@for b in tests/bench/bench_*.sh; do echo; echo "== $$b"; MOONLAB=./$(MOONLAB) sh $$b || exit 1; done

# Every tutorial run and exported to one self-contained HTML page, in $(BUILD)/tutorials/.
tutorials: all
	@mkdir -p $(BUILD)/tutorials
	@for t in tutorials/*.lua; do \
		./$(MOONLAB) notebook run -q "$$t" -o $(BUILD)/tutorials/$$(basename "$$t" .lua).html || exit 1; \
		echo "$(BUILD)/tutorials/$$(basename "$$t" .lua).html"; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/lua/5.4 $(DESTDIR)$(PREFIX)/share/moonlab
	install -m 755 $(MOONLAB) $(DESTDIR)$(PREFIX)/bin/moonlab
	install -m 755 $(MOONLAB_SO) $(DESTDIR)$(PREFIX)/lib/lua/5.4/moonlab.so
	cp -R stdlib $(DESTDIR)$(PREFIX)/share/moonlab/
	[ ! -d plot ] || cp -R plot $(DESTDIR)$(PREFIX)/share/moonlab/
	[ ! -d tutorials ] || cp -R tutorials $(DESTDIR)$(PREFIX)/share/moonlab/
	[ ! -d data ] || cp -R data $(DESTDIR)$(PREFIX)/share/moonlab/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/moonlab $(DESTDIR)$(PREFIX)/lib/lua/5.4/moonlab.so $(DESTDIR)$(PREFIX)/share/moonlab

clean:
	rm -rf build build-asan moonlab moonlab.so

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
