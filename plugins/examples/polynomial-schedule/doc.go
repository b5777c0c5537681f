// Command dnw-schedule.polynomial is an example external plugin: a noise schedule
// whose ᾱ_t falls as a polynomial of t, ᾱ_t = max((1 − t/T)^power, min_alpha_bar).
// It imports only dnw/sdk. Build it as dnw-schedule.polynomial, put it on
// $DNW_PLUGIN_PATH (or in ./plugins/bin), run `dnw plugins lock`, and name it in an
// experiment: `[weightgen] schedule = "schedule.polynomial"`.
package main
