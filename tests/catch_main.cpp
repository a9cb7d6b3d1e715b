// Catch2's main(), compiled once into the static library kstream_sim_catch_main; no tests live here.
#if KSTREAM_SIM_CATCH2_MAJOR >= 3
#include <catch2/catch_session.hpp>

int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
