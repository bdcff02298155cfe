from oneseal.cli import main

main()
