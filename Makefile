# Two entry points for a fresh clone (see README):  make figure  |  make test
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)
export VIRTUAL_ENV := $(abspath $(VENV))
FIG ?= dense
DATASET ?= cifar10
PRESET ?= cpu
OUT ?= out
# How an IMP figure's runs execute (its lockstep parameter): at the cpu preset stacked, which pays there (benchmarks/cpu/README.md);
# empty: one after another.
LOCKSTEP ?= $(if $(filter cpu,$(PRESET)),stacked,)

.PHONY: setup figure test check-sync docs-check readme outputs benchmark gpu-dry-run clean

# A virtual environment with the pinned stack and imp_easy installed in editable mode.
$(VENV)/.installed: settings.ini setup.py
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

# The main job: a figure notebook (FIG=dense, fig2, fig3, fig4, fig5 or fig6) through papermill at a preset. Data comes from
# $IMP_EASY_DATA (default ~/.cache/imp_easy/data) and is downloaded there when missing and the network allows;
# runs are cached in $IMP_EASY_STORE (default ~/.cache/imp_easy/store), so rerunning resumes.
figure: setup
	mkdir -p $(OUT)
	$(BIN)/papermill nbs/$(FIG).ipynb $(OUT)/$(FIG)_$(DATASET)_$(PRESET).ipynb -p dataset $(DATASET) -p preset $(PRESET) -p out_dir $(OUT) -p download True \
	    $(if $(filter-out dense fig6,$(FIG)),$(if $(LOCKSTEP),-p lockstep $(LOCKSTEP)),)

# Fail when the library or the notebooks are not what nbdev_export / nbdev_clean make of the notebooks.
check-sync: setup
	@before=$$(cat imp_easy/*.py nbs/*.ipynb | sha256sum); \
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean || exit 1; \
	after=$$(cat imp_easy/*.py nbs/*.ipynb | sha256sum); \
	if [ "$$before" != "$$after" ]; then git status --short -- imp_easy nbs; \
	  echo "nbdev_export/nbdev_clean changed the files above: commit the notebooks and the exported library together"; exit 1; fi

# What nbdev_docs does before handing the notebooks to Quarto (executing doc cells into _proc/), without
# nbdev_proc_nbs's attempt to download and install Quarto where it is missing.
docs-check: setup
	$(BIN)/python -c "from nbdev.quarto import refresh_quarto_yml; from nbdev.serve import proc_nbs; refresh_quarto_yml(); proc_nbs(n_workers=1, force=True)"

# README.md from nbs/index.ipynb (its markdown and the tables its code cells show, rerun first); tests/test_readme.py checks both.
readme: setup
	$(BIN)/python tests/readme.py --execute

# The outputs committed under the concept notebooks' and guides' code cells: rerun each (as the tests do, quick settings,
# a fresh kernel) and write what it shows into it; `make test` fails when they are stale (tests/outputs.py says what counts).
outputs: setup
	IMP_EASY_WRITE_OUTPUTS=1 $(BIN)/python -m pytest tests/test_notebooks.py::test_notebook -q
	$(BIN)/nbdev_clean

test: check-sync docs-check
	$(BIN)/python -m pytest tests -q

benchmark: setup
	mkdir -p $(OUT)/benchmark
	$(BIN)/python benchmarks/train_step.py --csv $(OUT)/benchmark/train_step.csv
	$(BIN)/python benchmarks/many_models.py --csv $(OUT)/benchmark/many_models.csv
	$(BIN)/python benchmarks/lmc_eval.py --precision bf16 --csv $(OUT)/benchmark/lmc_eval.csv
	$(BIN)/python benchmarks/lmc_eval.py --precision fp32 --csv $(OUT)/benchmark/lmc_eval.csv

# benchmarks/gpu_lease.sh on the CPU at tiny sizes (synthetic data), without the parts' time limits (GUARDS=off: a busy machine must
# not fail it): what tests/test_benchmarks.py runs, so the lease script cannot rot. imp_premise fits its recipe to no time: max(rewinds) + unit steps.
gpu-dry-run: setup
	OUT=out/gpu-dry-run DEVICE=cpu DATA=synthetic GUARDS=off NS="1 2" STEPS=2 PROFILE_N=2 PREMISE_STEPS=24 PREMISE_REWIND=4 PREMISE_S=60 N_LMC=300 \
	  IMP_PREMISE_S=0 IMP_PREMISE_REWINDS="0 4" IMP_PREMISE_EXTRA="--model resnet8 --width 8 --batch-size 32 --unit 2 --probe 2" \
	  PYTHON=$(BIN)/python bash benchmarks/gpu_lease.sh

clean:
	rm -rf $(VENV) _proc _docs .pytest_cache
