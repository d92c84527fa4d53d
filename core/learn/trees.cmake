# Tree models (helper area "trees"): included by core/learn/CMakeLists.txt.
set(IMBW_LEARN_TREE_SOURCES
    xgb_util.h xgb_util.cpp
    xgb_model_check.h xgb_model_check.cpp
    gbdt_model.h gbdt_model.cpp
    forest_model.h forest_model.cpp
    easy_ensemble_model.h easy_ensemble_model.cpp)
set(IMBW_LEARN_TREE_LIBS imbw::xgboost)
