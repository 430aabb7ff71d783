from mediatool.cli import main

main()
