from benchmarks.compare_eval.evaluate import main

main()
