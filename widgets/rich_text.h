#pragma once

#include <QString>

namespace imbw {

/// The plain physics notation of the views' titles as HTML that Qt Charts and QLabel set with
/// real sub- and superscripts:
///   X_{...} and X^{...}       → sub / superscript of the braced text (m_{jj}, GeV^{-1})
///   a_b after a one-letter symbol (ε_S, Z_A, m_jj, p_T, 1/ε_B)
///                              → subscript of the letters and digits after the underscore
///   anything else              → unchanged, HTML special characters escaped
/// so that names such as "pt_j1" or "W1_px" (a word before the underscore) stay as written.
QString richText(const QString& plain);

}  // namespace imbw
