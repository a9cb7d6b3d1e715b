package kstreamsim.conformance;

/** One conformance scenario: prints canonical text that the C++ twin conformance/scenarios/<name>.cpp must match. */
interface Scenario {
    /** File name stem: conformance/expected/<name>.txt and conformance/scenarios/<name>.cpp. */
    String name();

    /** 0 = needs no broker (pure client code); otherwise the number of brokers of the shared KRaft cluster. */
    int brokers();

    void run(Env env, Out out) throws Exception;
}
